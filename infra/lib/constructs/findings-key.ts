import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { NAMES, remediatorsOf } from '../naming.js';

/** Settings of {@link FindingsKey}. */
export interface FindingsKeyProps {
  /** Organization whose remediators may publish to topics encrypted with the key. */
  readonly organizationId: string;
  /**
   * Name pattern of the roles that may use the key through SNS (in any organization account).
   * @default `${NAMES.remediatorRolePrefix}*` (`sg-guard-remediator-*`)
   */
  readonly publisherRoleNamePattern?: string;
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
 * publisher's permissions, so the remediator roles of the organization (the only principals
 * the findings topic accepts) may use it, but only through SNS in the topics' region.
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
    const { partition, urlSuffix } = Stack.of(this);
    const remediators = remediatorsOf(
      props.organizationId,
      partition,
      props.publisherRoleNamePattern,
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationRemediatorsThroughSns',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...remediators,
          StringEquals: {
            ...remediators.StringEquals,
            'kms:ViaService': `sns.${props.region}.${urlSuffix}`,
          },
        },
      }),
    );
  }
}
