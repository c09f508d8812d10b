import { describe, expect, it } from 'vitest';
import { canonicalProtocol, comparableRule, formatRule, formatRules } from '../src/index.js';

describe('formatRule', () => {
  it('writes one port as a number and a range as from-to', () => {
    expect(formatRule({ protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0' })).toBe(
      'tcp 22 0.0.0.0/0',
    );
    expect(formatRule({ protocol: 'tcp', fromPort: 0, toPort: 21, source: '::/0' })).toBe(
      'tcp 0-21 ::/0',
    );
  });

  it('writes * for all traffic and for protocols without ports', () => {
    expect(formatRule({ protocol: '-1', fromPort: -1, toPort: -1, source: '0.0.0.0/0' })).toBe(
      '-1 * 0.0.0.0/0',
    );
    expect(formatRule({ protocol: '47', fromPort: -1, toPort: -1, source: '0.0.0.0/0' })).toBe(
      '47 * 0.0.0.0/0',
    );
  });

  it('writes ICMP type and code apart', () => {
    expect(formatRule({ protocol: 'icmp', fromPort: 8, toPort: -1, source: '10.0.0.0/8' })).toBe(
      'icmp 8/-1 10.0.0.0/8',
    );
  });

  it('names protocols given by number the way AWS answers', () => {
    expect(['6', '17', '1', '58', 'ALL', 'TCP', '47'].map(canonicalProtocol)).toEqual([
      'tcp',
      'udp',
      'icmp',
      'icmpv6',
      '-1',
      'tcp',
      '47',
    ]);
  });
});

describe('comparableRule', () => {
  it('takes the one source a SecurityGroupRule holds, whichever kind', () => {
    const base = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };
    expect(
      formatRules([
        comparableRule({ ...base, CidrIpv6: '::/0' }),
        comparableRule({ ...base, PrefixListId: 'pl-1' }),
        comparableRule({ ...base, ReferencedGroupInfo: { GroupId: 'sg-1' } }),
        comparableRule({ IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }),
      ]),
    ).toEqual(['-1 * 0.0.0.0/0', 'tcp 22 ::/0', 'tcp 22 pl-1', 'tcp 22 sg-1']);
  });

  it('refuses a rule without a source', () => {
    expect(() => comparableRule({ IpProtocol: 'tcp', SecurityGroupRuleId: 'sgr-1' })).toThrow(
      /source of rule sgr-1/,
    );
  });
});
