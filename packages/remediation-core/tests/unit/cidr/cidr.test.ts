import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrLast,
  cidrStrictlyContains,
  familyBits,
  isWorldCidr,
  parseCidr,
  unionCoversFamily,
} from '../../../src/cidr/cidr.js';
import { InvalidCidrError, SgGuardError } from '../../../src/errors.js';

const parsed = (...texts: string[]) => texts.map((text) => parseCidr(text));

describe('parseCidr', () => {
  it('reads an IPv4 block as numbers', () => {
    // Act
    const cidr = parseCidr('10.1.0.0/16');

    // Assess
    expect(cidr).toEqual({
      family: 'ipv4',
      network: 0x0a010000n,
      prefixLength: 16,
      text: '10.1.0.0/16',
    });
  });

  it('clears host bits the way EC2 stores the block', () => {
    expect(parseCidr('10.0.0.1/8').text).toBe('10.0.0.0/8');
    expect(parseCidr('2001:db8::1/32').text).toBe('2001:db8::/32');
    expect(parseCidr('203.0.113.7/0').text).toBe('0.0.0.0/0');
  });

  it('reads compressed, upper-case and fully written IPv6 to the same canonical text', () => {
    // Prepare
    const forms = [
      '2001:DB8::/32',
      '2001:0db8:0000:0000:0000:0000:0000:0000/32',
      '2001:db8:0::0/32',
    ];

    // Act
    const texts = forms.map((form) => parseCidr(form).text);

    // Assess
    expect(new Set(texts)).toEqual(new Set(['2001:db8::/32']));
  });

  it.each([
    ['::/0', '::/0', 0n],
    ['::1/128', '::1/128', 1n],
    ['1::/16', '1::/16', 1n << 112n],
    ['1:0:0:1:0:0:0:1/128', '1:0:0:1::1/128', (1n << 112n) | (1n << 64n) | 1n],
    ['1:2:3:4:5:6:7::/128', '1:2:3:4:5:6:7:0/128', 0x0001000200030004000500060007_0000n],
    [
      'ffff:FFFF:ffff:ffff:ffff:ffff:ffff:ffff/128',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
      (1n << 128n) - 1n,
    ],
    ['::ffff:192.0.2.1/128', '::ffff:192.0.2.1/128', (0xffffn << 32n) | 0xc0000201n],
    ['64:ff9b::192.0.2.0/120', '64:ff9b::c000:200/120', (0x64ff9bn << 96n) | 0xc0000200n],
  ])('reads IPv6 %s as %s', (text, canonical, network) => {
    // Act
    const cidr = parseCidr(text);

    // Assess
    expect(cidr.family).toBe('ipv6');
    expect(cidr.text).toBe(canonical);
    expect(cidr.network).toBe(network);
  });

  it('compresses the longest zero run, the first one on a tie, and never a single zero group', () => {
    expect(parseCidr('1:0:0:2:0:0:0:3/128').text).toBe('1:0:0:2::3/128');
    expect(parseCidr('1:0:0:2:0:0:3:4/128').text).toBe('1::2:0:0:3:4/128');
    expect(parseCidr('1:0:2:3:4:5:6:7/128').text).toBe('1:0:2:3:4:5:6:7/128');
  });

  it.each([
    '',
    '10.0.0.0',
    '10.0.0.0/',
    '/8',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/08',
    '10.0.0.0/-1',
    '256.0.0.0/8',
    '01.0.0.0/8',
    '10.0.0/8',
    '10.0.0.0.0/8',
    'a.b.c.d/8',
    ' 10.0.0.0/8',
    '10.0.0.0/8 ',
    '0.0.0.0/0/0',
    '1::2::3/64',
    ':1::/16',
    '1:2:3:4:5:6:7:8:9/128',
    '1:2:3:4:5:6:7/128',
    '1:2:3:4:5:6:7::8/128',
    '12345::/16',
    'fe80::1%eth0/64',
    'g::/16',
    '::1.2.3/128',
    '1.2.3.4::/128',
    'sg-0123/32',
  ])('rejects %j with a typed error', (text) => {
    // Act
    const act = () => parseCidr(text);

    // Assess
    expect(act).toThrow(InvalidCidrError);
    expect(act).toThrow(expect.objectContaining({ code: 'INVALID_CIDR', cidr: text }));
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseCidr(42 as unknown as string)).toThrow(SgGuardError);
  });
});

describe('isWorldCidr', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['1.2.3.4/0', true],
    ['0.0.0.0/1', false],
    ['128.0.0.0/1', false],
    ['::/1', false],
    ['203.0.113.10/32', false],
  ])('%s is the world: %s', (text, world) => {
    expect(isWorldCidr(text)).toBe(world);
  });

  it('throws on garbage rather than answering false', () => {
    expect(() => isWorldCidr('0.0.0.0')).toThrow(InvalidCidrError);
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.0/24', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.1.2.0/24', '10.0.0.0/8', false],
    ['10.0.0.0/8', '11.0.0.0/24', false],
    ['0.0.0.0/0', '255.255.255.255/32', true],
    ['::/0', '0.0.0.0/32', false],
    ['0.0.0.0/0', '::/128', false],
    ['2001:db8::/32', '2001:db8:ffff::/48', true],
    ['2001:db8::/32', '2001:db9::/48', false],
  ])('%s contains %s: %s', (outer, inner, contains) => {
    expect(cidrContains(outer, inner)).toBe(contains);
  });

  it('tells strict containment from equality', () => {
    // Prepare
    const big = parseCidr('10.0.0.0/8');
    const small = parseCidr('10.0.0.0/9');

    // Assess
    expect(cidrStrictlyContains(big, small)).toBe(true);
    expect(cidrStrictlyContains(big, big)).toBe(false);
    expect(cidrStrictlyContains(small, big)).toBe(false);
  });

  it('knows the last address and the width of each family', () => {
    expect(cidrLast(parseCidr('10.0.0.0/8'))).toBe(0x0affffffn);
    expect(cidrLast(parseCidr('::/0'))).toBe((1n << 128n) - 1n);
    expect([familyBits('ipv4'), familyBits('ipv6')]).toEqual([32, 128]);
  });
});

describe('unionCoversFamily', () => {
  it.each([
    [['0.0.0.0/1', '128.0.0.0/1'], 'ipv4', true],
    [['128.0.0.0/1', '0.0.0.0/1'], 'ipv4', true],
    [['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'], 'ipv4', true],
    [['0.0.0.0/2', '64.0.0.0/2', '192.0.0.0/2'], 'ipv4', false],
    [['0.0.0.0/1', '0.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'], 'ipv4', true],
    [
      ['0.0.0.0/1', '127.0.0.0/8', '128.0.0.0/2', '191.255.255.255/32', '192.0.0.0/2'],
      'ipv4',
      true,
    ],
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4'], 'ipv4', false],
    [['0.0.0.0/0'], 'ipv4', true],
    [[], 'ipv4', false],
    [['0.0.0.0/1', '128.0.0.0/1'], 'ipv6', false],
    [['::/1', '8000::/1'], 'ipv6', true],
    [['::/1', '8000::/2', 'c000::/2'], 'ipv6', true],
    [['::/1', '8000::/2', 'c000::/3'], 'ipv6', false],
    [['::/1', '::/0', '0.0.0.0/1'], 'ipv6', true],
  ] as const)('%j covers %s: %s', (texts, family, covers) => {
    expect(unionCoversFamily(parsed(...texts), family)).toBe(covers);
  });

  it('does not reorder the array it was given', () => {
    // Prepare
    const cidrs = parsed('128.0.0.0/1', '0.0.0.0/1');

    // Act
    unionCoversFamily(cidrs, 'ipv4');

    // Assess
    expect(cidrs.map((cidr) => cidr.text)).toEqual(['128.0.0.0/1', '0.0.0.0/1']);
  });
});
