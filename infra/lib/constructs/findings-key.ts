import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { NAMES } from '../naming.js';

/** Settings of {@link FindingsKey}. */
export interface FindingsKeyProps {
  /** Organization whose principals may publish to topics encrypted with the key. */
  readonly organizationId: string;
  /** Region of the topics (the key is used through `sns.<region>`). */
  readonly region: string;
  /**
   * Alias of the key; member roles are scoped to the key through it.
   * @default NAMES.keyAlias (`alias/sg-guard-findings`)
   */
  readonly alias?: string;
}

/**
 * The customer-managed key of the central topics. SNS encrypts each message with it using the
 * publisher's permissions, so principals of the organization may use it, but only through SNS
 * in the topics' region.
 */
export class FindingsKey extends Construct {
  /** The key (rotation on). */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: FindingsKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: props.alias ?? NAMES.keyAlias,
      description: 'sg-guard: encrypts the central findings and alarm topics',
      enableKeyRotation: true,
      // Messages are not stored; the waiting period still allows undoing a mistaken uninstall.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPublishersThroughSns',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:PrincipalOrgID': props.organizationId,
            'kms:ViaService': `sns.${props.region}.${Stack.of(this).urlSuffix}`,
          },
        },
      }),
    );
  }
}
