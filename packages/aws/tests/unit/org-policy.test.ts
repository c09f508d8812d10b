import {
  DescribeAccountCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  OrganizationsServiceException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../src/errors.js';
import { DefaultPolicyReader, OrganizationsPolicyReader } from '../../src/org-policy.js';

const organizations = new OrganizationsClient({ region: 'us-east-1' });
const orgMock = mockClient(organizations);
const ACCOUNT = '111122223333';
const OU = 'ou-ab12-34cd56ef';
const ROOT = 'r-ab12';

function tagsOf(resourceId: string, tags: Record<string, string>) {
  orgMock
    .on(ListTagsForResourceCommand, { ResourceId: resourceId })
    .resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
}

function organization(tags: {
  account?: Record<string, string>;
  ou?: Record<string, string>;
  root?: Record<string, string>;
}) {
  orgMock.on(DescribeAccountCommand).resolves({ Account: { Id: ACCOUNT, Name: 'payments-prod' } });
  orgMock
    .on(ListParentsCommand, { ChildId: ACCOUNT })
    .resolves({ Parents: [{ Id: OU, Type: 'ORGANIZATIONAL_UNIT' }] });
  orgMock
    .on(ListParentsCommand, { ChildId: OU })
    .resolves({ Parents: [{ Id: ROOT, Type: 'ROOT' }] });
  tagsOf(ACCOUNT, tags.account ?? {});
  tagsOf(OU, tags.ou ?? {});
  tagsOf(ROOT, tags.root ?? {});
}

const reader = (options: { ttlMs?: number; now?: () => number } = {}) =>
  new OrganizationsPolicyReader({ organizations, defaultMode: 'enforce', ...options });

beforeEach(() => {
  orgMock.reset();
});

describe('OrganizationsPolicyReader', () => {
  it('stops at the account when its own tag decides, with the account name', async () => {
    // Prepare
    organization({ account: { 'sg-guard:mode': 'off' }, ou: { 'sg-guard:mode': 'notify' } });

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toEqual({
      accountId: ACCOUNT,
      accountName: 'payments-prod',
      mode: 'off',
      source: { kind: 'account', id: ACCOUNT },
      warnings: [],
    });
    expect(orgMock.commandCalls(ListParentsCommand)).toHaveLength(0);
    expect(orgMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('reads a shared OU once for two accounts under it', async () => {
    // Prepare
    const sibling = '444455556666';
    organization({ ou: { 'sg-guard:mode': 'notify' } });
    orgMock
      .on(ListParentsCommand, { ChildId: sibling })
      .resolves({ Parents: [{ Id: OU, Type: 'ORGANIZATIONAL_UNIT' }] });
    tagsOf(sibling, {});
    const shared = reader();

    // Act
    const policies = await Promise.all([shared.policyFor(ACCOUNT), shared.policyFor(sibling)]);

    // Assess
    expect(policies.map((p) => p.mode)).toEqual(['notify', 'notify']);
    const read = orgMock.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input);
    expect(read.filter((input) => input.ResourceId === OU)).toHaveLength(1);
    expect(read).toHaveLength(3);
  });

  it('inherits the nearest OU tag without reading the root', async () => {
    // Prepare
    organization({ ou: { 'sg-guard:mode': 'notify' }, root: { 'sg-guard:mode': 'off' } });

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toMatchObject({ mode: 'notify', source: { kind: 'ou', id: OU } });
    expect(orgMock.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceId: ACCOUNT },
      { ResourceId: OU },
    ]);
  });

  it('walks up to the root and falls back to the default, reporting values it ignored', async () => {
    // Prepare
    organization({ account: { 'sg-guard:mode': 'audit' } });

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy.mode).toBe('enforce');
    expect(policy.source).toEqual({ kind: 'default' });
    expect(policy.warnings).toHaveLength(1);
    expect(policy.warnings[0]).toContain('audit');
    expect(orgMock.commandCalls(ListParentsCommand)).toHaveLength(2);
    expect(orgMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });

  it('reads every page of tags', async () => {
    // Prepare
    organization({});
    orgMock
      .on(ListTagsForResourceCommand, { ResourceId: ACCOUNT })
      .resolvesOnce({ Tags: [{ Key: 'team', Value: 'a' }], NextToken: 'next' })
      .resolvesOnce({ Tags: [{ Key: 'sg-guard:mode', Value: 'notify' }] });

    // Act
    const policy = await reader().policyFor(ACCOUNT);

    // Assess
    expect(policy).toMatchObject({ mode: 'notify', source: { kind: 'account' } });
  });

  it('reuses a policy within the TTL and reads again after it', async () => {
    // Prepare
    let now = 0;
    organization({ account: { 'sg-guard:mode': 'notify' } });
    const cached = reader({ ttlMs: 1000, now: () => now });
    await cached.policyFor(ACCOUNT);

    // Act
    now = 999;
    await cached.policyFor(ACCOUNT);
    const callsWithinTtl = orgMock.calls().length;
    now = 1000;
    await cached.policyFor(ACCOUNT);

    // Assess
    expect(callsWithinTtl).toBe(2);
    expect(orgMock.calls()).toHaveLength(4);
  });

  it('does not cache a failed read, and names the denied action', async () => {
    // Prepare
    organization({ account: { 'sg-guard:mode': 'notify' } });
    orgMock
      .on(ListTagsForResourceCommand, { ResourceId: ACCOUNT })
      .rejectsOnce(
        new OrganizationsServiceException({
          name: 'AccessDeniedException',
          message: 'denied',
          $fault: 'client',
          $metadata: {},
        }),
      )
      .resolves({ Tags: [{ Key: 'sg-guard:mode', Value: 'notify' }] });
    const policies = reader();

    // Act
    const denied = policies.policyFor(ACCOUNT);
    await expect(denied).rejects.toBeInstanceOf(AccessDeniedError);
    const retried = await policies.policyFor(ACCOUNT);

    // Assess
    await expect(denied).rejects.toMatchObject({ action: 'organizations:ListTagsForResource' });
    expect(retried.mode).toBe('notify');
  });

  it('fails clearly when ListParents names no parent', async () => {
    // Prepare
    organization({});
    orgMock.on(ListParentsCommand, { ChildId: ACCOUNT }).resolves({ Parents: [] });

    // Assess
    await expect(reader().policyFor(ACCOUNT)).rejects.toThrow(/no parent/);
  });
});

describe('DefaultPolicyReader', () => {
  it('gives every account the deployed default without any call', async () => {
    // Act
    const policy = await new DefaultPolicyReader('notify').policyFor(ACCOUNT);

    // Assess
    expect(policy).toEqual({
      accountId: ACCOUNT,
      mode: 'notify',
      source: { kind: 'default' },
      warnings: [],
    });
    expect(orgMock.calls()).toHaveLength(0);
  });
});
