import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { NAMES } from '../naming.js';

/** Settings of {@link OrgReaderRole}. */
export interface OrgReaderRoleProps {
  /** Only principals of this organization may assume the role. */
  readonly organizationId: string;
  /**
   * Role name; member stacks derive its ARN from it.
   * @default NAMES.orgReaderRole (`sg-guard-org-reader`)
   */
  readonly roleName?: string;
  /**
   * Name pattern of the roles that may assume this one (in any account of the organization).
   * @default `${NAMES.remediatorRolePrefix}*` (`sg-guard-remediator-*`)
   */
  readonly trustedRoleNamePattern?: string;
}

/**
 * The read-only window on Organizations tags. Only the management account (or a delegated
 * administrator) can read account and OU tags, so every member's remediator reads its
 * `sg-guard:mode` through this role.
 */
export class OrgReaderRole extends Construct {
  /** The role. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrgReaderRoleProps) {
    super(scope, id);
    const pattern = props.trustedRoleNamePattern ?? `${NAMES.remediatorRolePrefix}*`;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName ?? NAMES.orgReaderRole,
      description: 'sg-guard: lets member remediators read sg-guard:mode tags of accounts and OUs',
      // AWS:* narrowed to the remediator roles of the organization's accounts.
      assumedBy: new iam.OrganizationPrincipal(props.organizationId).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${Stack.of(this).partition}:iam::*:role/${pattern}` },
      }),
      inlinePolicies: {
        ReadOrganizationTags: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadAccountPlacementAndTags',
              actions: [
                'organizations:ListTagsForResource',
                'organizations:ListParents',
                'organizations:DescribeAccount',
              ],
              // Organizations ARNs name the management account, which a delegated administrator
              // cannot know from the template; the actions are read-only.
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledge(this.role, {
      'AwsSolutions-IAM5[Resource::*]':
        'Organizations ARNs embed the management account id, unknown to a delegated administrator; the three actions only read',
    });
  }
}
