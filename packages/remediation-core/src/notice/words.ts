import type {
  AccountPolicy,
  AddressFamily,
  ExposureReason,
  NoticeAction,
  RecordedRule,
  Severity,
  Trigger,
} from '../model.js';
import { describeRule, describeSource } from '../rules/format.js';

/** How urgent each action is for the people reading the mail. */
export const SEVERITY_BY_ACTION: Readonly<Record<NoticeAction, Severity>> = {
  failed: 'critical',
  'would-remediate': 'high',
  remediated: 'medium',
  exempted: 'low',
};

/** The action as the subject line says it. */
export const SUBJECT_ACTION: Readonly<Record<NoticeAction, string>> = {
  remediated: 'remediated',
  'would-remediate': 'would remediate',
  exempted: 'exempted',
  failed: 'FAILED to remediate',
};

const SERVICE_BY_PORT: Readonly<Record<number, string>> = { 22: 'SSH', 3389: 'RDP' };

/** `SSH`, `RDP`, or `port 8080`, for the subject. */
export function portName(port: number): string {
  return SERVICE_BY_PORT[port] ?? `port ${port}`;
}

/** `port 22 (SSH)` or `ports 22 (SSH), 8080`, for the mail text. */
export function portsInWords(ports: readonly number[]): string {
  const named = ports.map((port) => {
    const service = SERVICE_BY_PORT[port];
    return service === undefined ? `${port}` : `${port} (${service})`;
  });
  return `${ports.length === 1 ? 'port' : 'ports'} ${named.join(', ')}`;
}

const FAMILY: Readonly<Record<AddressFamily, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** Why a source counts as the internet. */
export function exposureWhy(
  rule: RecordedRule,
  family: AddressFamily,
  reason: ExposureReason,
): string {
  const source = describeSource(rule.source);
  switch (reason) {
    case 'world-cidr':
      return `${source} is the whole ${FAMILY[family]} internet`;
    case 'world-prefix-list':
      return `the entries of ${source} cover the whole ${FAMILY[family]} internet`;
    case 'union':
      return `${source}, together with the group's other sources for this port, covers the whole ${FAMILY[family]} address space`;
  }
}

/** A rule exactly enough to re-create it by hand: `tcp 22 from 0.0.0.0/0 (sgr-1), description "x"`. */
export function ruleInFull(rule: RecordedRule): string {
  const description = rule.description ? `, description ${JSON.stringify(rule.description)}` : '';
  return `${describeRule(rule)}${description}`;
}

/** Where the mode came from. */
export function policySourceInWords(source: AccountPolicy['source']): string {
  switch (source.kind) {
    case 'account':
      return `tag sg-guard:mode on account ${source.id}`;
    case 'ou':
      return `tag sg-guard:mode on OU ${source.id}`;
    case 'root':
      return `tag sg-guard:mode on the organization root ${source.id}`;
    case 'default':
      return 'deployed default; no sg-guard:mode tag on the account, its OUs or the root';
  }
}

/** What started the check, with the Config rule when known. */
export function triggerInWords(trigger: Trigger, configRuleName?: string): string {
  const rule = configRuleName ? `AWS Config rule ${configRuleName}` : 'AWS Config';
  switch (trigger) {
    case 'config-sns':
      return `${rule} (via SNS)`;
    case 'config-eventbridge':
      return `${rule} (via EventBridge)`;
    case 'cloudtrail':
      return 'CloudTrail API call (fast path)';
    case 'direct':
      return 'direct invocation';
    case 'cli':
      return 'sg-guard CLI';
    case 'sweep':
      return 'the scheduled sweep of every group';
  }
}
