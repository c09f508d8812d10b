import { describe, expect, it } from 'vitest';
import type { Exposure } from '../../../src/model.js';
import { narrowExposure, rangesBeside } from '../../../src/plan/narrow.js';
import { allTraffic, prefixList, rule, tcp, v4, v6 } from '../../fixtures/rule-builders.js';

describe('rangesBeside', () => {
  it.each([
    [
      0,
      65535,
      [22],
      [
        [0, 21],
        [23, 65535],
      ],
    ],
    [22, 22, [22], []],
    [
      20,
      25,
      [22, 24],
      [
        [20, 21],
        [23, 23],
        [25, 25],
      ],
    ],
    [
      20,
      25,
      [24, 22],
      [
        [20, 21],
        [23, 23],
        [25, 25],
      ],
    ],
    [22, 3389, [22, 3389], [[23, 3388]]],
    [0, 65535, [0, 65535], [[1, 65534]]],
    [20, 25, [3389], [[20, 25]]],
    [
      20,
      25,
      [21, 22],
      [
        [20, 20],
        [23, 25],
      ],
    ],
  ])('%i-%i without %j is %j', (from, to, ports, expected) => {
    expect(rangesBeside(from, to, ports)).toEqual(
      expected.map(([fromPort, toPort]) => ({ fromPort, toPort })),
    );
  });
});

describe('narrowExposure', () => {
  const exposure = (
    rule: Exposure['rule'],
    ports: number[],
    family: Exposure['family'] = 'ipv4',
  ): Exposure => ({
    rule,
    ports,
    family,
    reason: 'world-cidr',
  });

  it('keeps the tcp ports beside the exposed one, with the same source and description', () => {
    // Prepare
    const wide = { ...tcp(0, 65535, v4('0.0.0.0/0'), 'sgr-1'), description: 'web' };

    // Act
    const narrowing = narrowExposure(exposure(wide, [22]));

    // Assess
    expect(narrowing).toEqual({
      authorize: [
        { protocol: 'tcp', fromPort: 0, toPort: 21, source: v4('0.0.0.0/0'), description: 'web' },
        {
          protocol: 'tcp',
          fromPort: 23,
          toPort: 65535,
          source: v4('0.0.0.0/0'),
          description: 'web',
        },
      ],
    });
  });

  it('authorizes nothing when only the exposed port was allowed', () => {
    expect(narrowExposure(exposure(tcp(22, 22, v6('::/0')), [22], 'ipv6'))).toEqual({
      authorize: [],
    });
  });

  it('turns all traffic from IPv4 into tcp without the port, udp and icmp, and says what it drops', () => {
    // Act
    const narrowing = narrowExposure(exposure(allTraffic(v4('0.0.0.0/0')), [22, 3389]));

    // Assess
    expect(narrowing.authorize).toEqual([
      tcp(0, 21, v4('0.0.0.0/0')),
      tcp(23, 3388, v4('0.0.0.0/0')),
      tcp(3390, 65535, v4('0.0.0.0/0')),
      rule('udp', 0, 65535, v4('0.0.0.0/0')),
      rule('icmp', -1, -1, v4('0.0.0.0/0')),
    ]);
    expect(narrowing.dropped).toEqual({
      rule: allTraffic(v4('0.0.0.0/0')),
      description:
        'protocols other than tcp, udp and icmp (such as GRE 47, ESP 50) are no longer allowed from 0.0.0.0/0',
    });
  });

  it('keeps ICMPv6 for an IPv6 exposure, including one through a prefix list', () => {
    // Act
    const narrowing = narrowExposure(exposure(allTraffic(prefixList('pl-1')), [22], 'ipv6'));

    // Assess
    expect(narrowing.authorize.at(-1)).toEqual(rule('icmpv6', -1, -1, prefixList('pl-1')));
    expect(narrowing.dropped?.description).toMatch(/udp and icmpv6 .* from prefix list pl-1$/);
  });
});
