import * as config from 'aws-cdk-lib/aws-config';
import { Construct, type IDependable } from 'constructs';
import { NAMES } from '../naming.js';

/** Settings of {@link SshConfigRule}. */
export interface SshConfigRuleProps {
  /**
   * Rule name; the remediator's trigger matches on it.
   * @default NAMES.configRule (`sg-guard-restricted-ssh`)
   */
  readonly ruleName?: string;
  /**
   * What must exist first (a recorder).
   * @default - nothing
   */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * The AWS Config managed rule `restricted-ssh` (`INCOMING_SSH_DISABLED`) on security groups:
 * the slow but complete path, which also catches groups opened before sg-guard was deployed.
 */
export class SshConfigRule extends Construct {
  /** The rule. */
  readonly rule: config.ManagedRule;
  /** Its name, as a plain string (event patterns match on it). */
  readonly ruleName: string;

  constructor(scope: Construct, id: string, props: SshConfigRuleProps = {}) {
    super(scope, id);
    this.ruleName = props.ruleName ?? NAMES.configRule;
    this.rule = new config.ManagedRule(this, 'Rule', {
      configRuleName: this.ruleName,
      description: 'sg-guard: security groups must not allow SSH from the internet',
      identifier: config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
      ruleScope: config.RuleScope.fromResources([config.ResourceType.EC2_SECURITY_GROUP]),
    });
    for (const dependency of props.dependsOn ?? []) this.rule.node.addDependency(dependency);
  }
}
