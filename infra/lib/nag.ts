import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on a construct (and everything under it), each with its own
 * reason. cdk-nag v3 matches ids exactly (`AwsSolutions-IAM5[Resource::*]`), so an
 * acknowledgement never hides a finding it does not name.
 *
 * @example
 * acknowledge(role, { 'AwsSolutions-IAM5[Resource::*]': 'EC2 describe calls need *' });
 */
export function acknowledge(scope: IConstruct, findings: Record<string, string>): void {
  for (const [id, reason] of Object.entries(findings)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/** How cdk-nag writes `Fn::GetAtt` in a finding id: `<LogicalId.Attribute>`. */
export function nagGetAtt(element: CfnElement, attribute: string): string {
  const logicalId = Stack.of(element).resolve(element.logicalId) as string;
  return `<${logicalId}.${attribute}>`;
}

/**
 * How cdk-nag writes this stack's partition: a literal where CDK knows it (an environment with
 * a region, under `@aws-cdk/core:enablePartitionLiterals`), else `<AWS::Partition>`.
 */
export function nagPartition(stack: Stack): string {
  return Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
}
