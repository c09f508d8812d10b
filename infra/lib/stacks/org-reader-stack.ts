import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SgGuardConfig } from '../config.js';
import { OrgReaderRole } from '../constructs/org-reader-role.js';

/** Settings of {@link OrgReaderStack}. */
export interface OrgReaderStackProps extends StackProps {
  /** The validated sg-guard config. */
  readonly config: SgGuardConfig;
}

/** The read-only Organizations role, in the management or delegated-administrator account. */
export class OrgReaderStack extends Stack {
  constructor(scope: Construct, id: string, props: OrgReaderStackProps) {
    super(scope, id, props);
    const { role } = new OrgReaderRole(this, 'OrgReader', {
      organizationId: props.config.organizationId,
    });
    new CfnOutput(this, 'OrgReaderRoleArn', {
      description: 'Role every remediator assumes to read sg-guard:mode tags',
      value: role.roleArn,
    });
  }
}
