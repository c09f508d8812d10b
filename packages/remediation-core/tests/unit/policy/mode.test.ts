import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../../src/errors.js';
import type { PolicyLevel } from '../../../src/model.js';
import {
  MODE_TAG_KEY,
  parseMode,
  requireMode,
  resolveAccountPolicy,
} from '../../../src/policy/mode.js';

const ACCOUNT = '111122223333';

function chain(account?: string, ou?: string, parentOu?: string, root?: string): PolicyLevel[] {
  const tags = (value?: string): Record<string, string> =>
    value === undefined ? {} : { [MODE_TAG_KEY]: value };
  return [
    { kind: 'account', id: ACCOUNT, tags: { team: 'payments', ...tags(account) } },
    { kind: 'ou', id: 'ou-ab12-11111111', tags: tags(ou) },
    { kind: 'ou', id: 'ou-ab12-22222222', tags: tags(parentOu) },
    { kind: 'root', id: 'r-ab12', tags: tags(root) },
  ];
}

describe('resolveAccountPolicy', () => {
  it('takes the account tag over its OUs and the root', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      accountName: 'payments-prod',
      chain: chain('notify', 'off', 'off', 'off'),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy).toEqual({
      accountId: ACCOUNT,
      accountName: 'payments-prod',
      mode: 'notify',
      source: { kind: 'account', id: ACCOUNT },
      warnings: [],
    });
  });

  it('takes the nearest OU over the OUs above it and the root', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain(undefined, undefined, 'off', 'notify'),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.mode).toBe('off');
    expect(policy.source).toEqual({ kind: 'ou', id: 'ou-ab12-22222222' });
    expect(policy).not.toHaveProperty('accountName');
  });

  it('takes the root tag over the default', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain(undefined, undefined, undefined, 'notify'),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.mode).toBe('notify');
    expect(policy.source).toEqual({ kind: 'root', id: 'r-ab12' });
  });

  it('falls back to the deployed default when no level is tagged', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain(),
      defaultMode: 'notify',
    });

    // Assess
    expect(policy.mode).toBe('notify');
    expect(policy.source).toEqual({ kind: 'default' });
  });

  it('falls back to the default for an empty chain', () => {
    // Act
    const policy = resolveAccountPolicy({ accountId: ACCOUNT, chain: [], defaultMode: 'off' });

    // Assess
    expect(policy).toMatchObject({ mode: 'off', source: { kind: 'default' }, warnings: [] });
  });

  it('reads values trimmed and case-insensitively', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain('  NoTiFy \t'),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.mode).toBe('notify');
    expect(policy.warnings).toEqual([]);
  });

  it('skips an invalid value, continues upward and says so', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain('audit', '', undefined, 'off'),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.mode).toBe('off');
    expect(policy.source).toEqual({ kind: 'root', id: 'r-ab12' });
    expect(policy.warnings).toEqual([
      `sg-guard:mode on account ${ACCOUNT} is "audit", not one of enforce, notify, off; ignored`,
      'sg-guard:mode on ou ou-ab12-11111111 is "", not one of enforce, notify, off; ignored',
    ]);
  });

  it('keeps the warnings when only invalid values were found', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: chain(undefined, undefined, 'x'.repeat(256)),
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.source).toEqual({ kind: 'default' });
    expect(policy.warnings).toEqual([
      `sg-guard:mode on ou ou-ab12-22222222 is "${'x'.repeat(37)}...", not one of enforce, notify, off; ignored`,
    ]);
  });

  it('ignores a key that differs only in case, as AWS tag keys are case-sensitive', () => {
    // Act
    const policy = resolveAccountPolicy({
      accountId: ACCOUNT,
      chain: [{ kind: 'account', id: ACCOUNT, tags: { 'SG-Guard:Mode': 'off' } }],
      defaultMode: 'enforce',
    });

    // Assess
    expect(policy.mode).toBe('enforce');
    expect(policy.warnings).toEqual([]);
  });
});

describe('parseMode', () => {
  it.each([
    ['enforce', 'enforce'],
    [' OFF ', 'off'],
    ['Notify', 'notify'],
    ['', undefined],
    ['enforcing', undefined],
  ])('reads %j as %s', (text, mode) => {
    // Act / Assess
    expect(parseMode(text)).toBe(mode);
  });
});

describe('requireMode', () => {
  it('returns the mode of a valid setting', () => {
    // Act / Assess
    expect(requireMode('NOTIFY', 'defaultMode')).toBe('notify');
  });

  it('throws an InvalidSettingsError naming the setting', () => {
    // Act
    const act = () => requireMode('on', 'defaultMode');

    // Assess
    expect(act).toThrow(InvalidSettingsError);
    expect(act).toThrow('defaultMode: unknown mode "on"; expected enforce, notify, off');
  });
});
