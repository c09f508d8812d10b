import { describe, expect, it } from 'vitest';
import { InvalidCidrError } from '../../../src/errors.js';
import { assessGroup, prefixListsToResolve } from '../../../src/exposure/assess.js';
import type { Assessment } from '../../../src/model.js';
import { allTraffic, group, prefixList, rule, tcp, v4, v6 } from '../../fixtures/rule-builders.js';

const exposedCidrs = (assessment: Assessment) =>
  assessment.exposures.map(({ rule: { source } }) =>
    source.kind === 'cidr'
      ? source.cidr
      : source.kind === 'prefix-list'
        ? source.prefixListId
        : source.groupId,
  );

describe('assessGroup: sources that cover a family together', () => {
  it.each([
    ['IPv4 halves', [v4('0.0.0.0/1'), v4('128.0.0.0/1')], 'ipv4'],
    ['IPv6 halves', [v6('::/1'), v6('8000::/1')], 'ipv6'],
    [
      'four IPv4 quarters',
      ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'].map(v4),
      'ipv4',
    ],
    ['four IPv6 quarters', ['::/2', '4000::/2', '8000::/2', 'c000::/2'].map(v6), 'ipv6'],
  ] as const)('finds %s exposed as a union, rule by rule', (_name, sources, family) => {
    // Prepare
    const rules = sources.map((source, index) =>
      index % 2 ? allTraffic(source) : tcp(0, 65535, source),
    );

    // Act
    const assessment = assessGroup(group(...rules));

    // Assess
    expect(assessment.exposures).toEqual(
      rules.map((rule) => ({ rule, ports: [22], family, reason: 'union' })),
    );
  });

  it('keeps smaller sources inside the blamed halves', () => {
    // Prepare
    const rules = [
      tcp(22, 22, v4('0.0.0.0/1')),
      tcp(22, 22, v4('10.0.0.0/8')),
      tcp(22, 22, v4('128.0.0.0/1')),
      tcp(22, 22, v4('203.0.113.10/32')),
      tcp(22, 22, v4('128.0.0.0/2')),
    ];

    // Act
    const assessment = assessGroup(group(...rules));

    // Assess
    expect(exposedCidrs(assessment)).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
  });

  it('blames the halves first, then the quarters when they still cover', () => {
    // Prepare
    const quarters = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'];
    const cidrs = ['0.0.0.0/1', '128.0.0.0/1', ...quarters, '10.0.0.0/8'];

    // Act
    const assessment = assessGroup(group(...cidrs.map((cidr) => tcp(22, 22, v4(cidr)))));

    // Assess
    expect(exposedCidrs(assessment)).toEqual(cidrs.slice(0, 6));
  });

  it('blames both copies of a duplicated half', () => {
    // Prepare
    const rules = [
      tcp(22, 22, v4('0.0.0.0/1')),
      allTraffic(v4('0.0.0.0/1')),
      tcp(22, 22, v4('128.0.0.0/1')),
    ];

    // Act / Assess
    expect(assessGroup(group(...rules)).exposures).toHaveLength(3);
  });

  it.each([
    ['three quarters', ['0.0.0.0/2', '64.0.0.0/2', '192.0.0.0/2', '10.0.0.0/8']],
    ['halves missing one address', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4']],
  ])('does not find %s exposed', (_name, cidrs) => {
    expect(assessGroup(group(...cidrs.map((cidr) => tcp(22, 22, v4(cidr))))).verdict).toBe(
      'NOT_EXPOSED',
    );
  });

  it('does not add up halves that reach different ports or protocols', () => {
    // Prepare
    const apart = group(tcp(22, 22, v4('0.0.0.0/1')), tcp(80, 80, v4('128.0.0.0/1')));
    const udpHalf = group(tcp(22, 22, v4('0.0.0.0/1')), rule('udp', 22, 22, v4('128.0.0.0/1')));
    const familiesApart = group(tcp(22, 22, v4('0.0.0.0/1')), tcp(22, 22, v6('8000::/1')));

    // Act / Assess
    for (const input of [apart, udpHalf, familiesApart]) {
      expect(assessGroup(input).verdict).toBe('NOT_EXPOSED');
    }
  });
});

describe('assessGroup: prefix lists', () => {
  const lists = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

  it('finds a prefix list with a world entry exposed', () => {
    // Prepare
    const viaList = allTraffic(prefixList('pl-1'));

    // Act
    const assessment = assessGroup(group(viaList), {
      prefixLists: lists({ 'pl-1': ['10.0.0.0/8', '0.0.0.0/0'] }),
    });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: viaList, ports: [22], family: 'ipv4', reason: 'world-prefix-list' },
    ]);
  });

  it('finds a prefix list whose own entries cover IPv6 exposed, and keeps a host beside it', () => {
    // Prepare
    const viaList = tcp(22, 22, prefixList('pl-1'));
    const host = tcp(22, 22, v6('2001:db8::1/128'));

    // Act
    const assessment = assessGroup(group(viaList, host), {
      prefixLists: lists({ 'pl-1': ['::/1', '8000::/1', '10.0.0.0/8'] }),
    });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: viaList, ports: [22], family: 'ipv6', reason: 'world-prefix-list' },
    ]);
  });

  it('blames only a prefix list that is the world by itself, not a half beside it', () => {
    // Prepare
    const viaList = tcp(22, 22, prefixList('pl-1'));
    const half = tcp(22, 22, v4('0.0.0.0/1'));

    // Act
    const assessment = assessGroup(group(viaList, half), {
      prefixLists: lists({ 'pl-1': ['0.0.0.0/1', '128.0.0.0/1'] }),
    });

    // Assess
    expect(assessment.exposures).toEqual([
      { rule: viaList, ports: [22], family: 'ipv4', reason: 'world-prefix-list' },
    ]);
  });

  it('adds prefix list entries to the group CIDRs for a union', () => {
    // Prepare
    const viaList = tcp(22, 22, prefixList('pl-1'));
    const half = tcp(22, 22, v4('128.0.0.0/1'));

    // Act
    const assessment = assessGroup(group(viaList, half), {
      prefixLists: lists({ 'pl-1': ['0.0.0.0/2', '64.0.0.0/2'] }),
    });

    // Assess
    expect(assessment.exposures.map((e) => [e.rule, e.reason])).toEqual([
      [viaList, 'union'],
      [half, 'union'],
    ]);
  });

  it('reports a prefix list it was not given and does not count it', () => {
    // Prepare
    const rules = [
      tcp(22, 22, prefixList('pl-b')),
      allTraffic(prefixList('pl-a')),
      rule('udp', 22, 22, prefixList('pl-udp')),
      tcp(80, 80, prefixList('pl-web')),
      tcp(22, 22, prefixList('pl-known')),
    ];

    // Act
    const assessment = assessGroup(group(...rules), { prefixLists: lists({ 'pl-known': [] }) });

    // Assess
    expect(assessment.verdict).toBe('NOT_EXPOSED');
    expect(assessment.unresolvedPrefixLists).toEqual(['pl-a', 'pl-b']);
    expect(prefixListsToResolve(group(...rules))).toEqual(['pl-a', 'pl-b', 'pl-known']);
    expect(prefixListsToResolve(group(...rules), [80])).toEqual(['pl-a', 'pl-web']);
  });

  it('rejects a prefix list entry that is not a CIDR', () => {
    expect(() =>
      assessGroup(group(tcp(22, 22, prefixList('pl-1'))), {
        prefixLists: lists({ 'pl-1': ['nope'] }),
      }),
    ).toThrow(InvalidCidrError);
  });
});
