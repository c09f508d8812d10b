import { describeInboundRules, openSsh } from '@sg-guard/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { directEvent } from '../../support/events.js';
import { deleteModeMap, deleteModeObject, publishModeMap } from '../../support/mode-map.js';
import { expectOneNotice, readNotices, ruleLines } from '../../support/notices.js';
import { coldStart, type RemediatorSettings } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type TestAccountName, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

/** Opens `tcp 0-65535 from 0.0.0.0/0` in `account` and invokes that account's remediator on it. */
async function remediateIn(
  account: TestAccountName,
  options: { settings?: RemediatorSettings; tags?: Record<string, string> } = {},
) {
  const ec2 = world.account(account).ec2();
  const opened = await openSsh(
    ec2,
    'tcp-all-ports-world',
    options.tags ? { tags: options.tags } : {},
  );
  const remediator = await coldStart(world, {
    account,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  await remediator.invoke(directEvent(opened.groupId));
  return {
    opened,
    after: await describeInboundRules(ec2, opened.groupId),
    notices: await readNotices(world),
    accountId: world.account(account).accountId,
  };
}

describe('the account mode from the organization tags', () => {
  it('enforces in an account with no tag anywhere up its chain (the default)', async () => {
    const { opened, after, notices, accountId } = await remediateIn('enforced');

    expect(after).toEqual(opened.expectedAfter('narrow'));
    const record = expectOneNotice(notices, {
      action: 'remediated',
      mode: 'enforce',
      accountId,
      accountName: 'enforced',
      region: HOME_REGION,
      group: opened,
      trigger: 'direct',
      strategy: 'narrow',
    });
    expect(record.policySource).toEqual({ kind: 'default' });
  });

  it('only mails what it would do in an account tagged notify', async () => {
    const { opened, after, notices, accountId } = await remediateIn('notified');

    expect(after).toEqual(opened.rules);
    const record = expectOneNotice(notices, {
      action: 'would-remediate',
      mode: 'notify',
      accountId,
      accountName: 'notified',
      region: HOME_REGION,
      group: opened,
      trigger: 'direct',
      strategy: 'narrow',
    });
    expect(record.policySource).toEqual({ kind: 'account', id: accountId });
    expect(ruleLines(record.revoked)).toEqual(opened.exposing);
  });

  it('inherits notify from an OU two levels up', async () => {
    const { opened, after, notices, accountId } = await remediateIn('inherits');

    expect(after).toEqual(opened.rules);
    const record = expectOneNotice(notices, {
      action: 'would-remediate',
      mode: 'notify',
      accountId,
      accountName: 'inherits',
      region: HOME_REGION,
      group: opened,
      trigger: 'direct',
      strategy: 'narrow',
    });
    expect(record.policySource).toEqual({
      kind: 'ou',
      id: world.organization.organizationalUnits.Sandbox,
    });
  });

  it('neither changes nor mails anything in an account tagged off', async () => {
    const { opened, after, notices } = await remediateIn('disabled');

    expect(after).toEqual(opened.rules);
    expect(notices).toEqual([]);
  });

  it('applies the deployed default mode when no tag decides', async () => {
    // The publisher writes the deployed default into the map for untagged accounts.
    await publishModeMap(world.endpoint, { defaultMode: 'notify' });
    const { opened, after, notices } = await remediateIn('enforced', {
      settings: { defaultMode: 'notify' },
    });

    expect(after).toEqual(opened.rules);
    expect(notices.map((notice) => notice.record?.action)).toEqual(['would-remediate']);
    expect(notices[0]?.record?.policySource).toEqual({ kind: 'default' });
  });

  it('applies the default mode when no mode map is configured, whatever the tags say', async () => {
    const { opened, after, notices } = await remediateIn('notified', {
      settings: { modeMap: false },
    });

    expect(after).toEqual(opened.expectedAfter('narrow'));
    expect(notices.map((notice) => notice.record?.action)).toEqual(['remediated']);
    expect(notices[0]?.record?.policySource).toEqual({ kind: 'default' });
  });
});

describe('group exemptions', () => {
  const exemptTags = {
    'sg-guard:exempt': 'vendor bastion, SEC-42',
    'sg-guard:exempt-until': '2099-12-31',
  };

  it('leaves an exempt group open and still mails it, where exemptions are allowed', async () => {
    const { opened, after, notices, accountId } = await remediateIn('enforced', {
      settings: { allowGroupExemptions: true },
      tags: exemptTags,
    });

    expect(after).toEqual(opened.rules);
    const record = expectOneNotice(notices, {
      action: 'exempted',
      mode: 'enforce',
      accountId,
      accountName: 'enforced',
      region: HOME_REGION,
      group: opened,
      trigger: 'direct',
      strategy: 'narrow',
    });
    expect(record.exemption).toEqual({ reason: 'vendor bastion, SEC-42', until: '2099-12-31' });
    expect(ruleLines(record.exposures.map((exposure) => exposure.rule))).toEqual(opened.exposing);
  });

  it('remediates a group whose exemption has expired', async () => {
    const { opened, after, notices } = await remediateIn('enforced', {
      settings: { allowGroupExemptions: true },
      tags: { ...exemptTags, 'sg-guard:exempt-until': '2020-01-31' },
    });

    expect(after).toEqual(opened.expectedAfter('narrow'));
    expect(notices.map((notice) => notice.record?.action)).toEqual(['remediated']);
  });

  it('ignores the exemption tag where exemptions are not allowed (the default)', async () => {
    const { opened, after, notices } = await remediateIn('enforced', { tags: exemptTags });

    expect(after).toEqual(opened.expectedAfter('narrow'));
    expect(notices.map((notice) => notice.record?.action)).toEqual(['remediated']);
  });
});

describe('the mode map as the remediator reads it from S3', () => {
  it('applies the deployed default, and says so, for an account the map does not list yet', async () => {
    // Prepare: a brand-new account whose object the publisher has not written yet.
    const accountId = world.account('notified').accountId;
    await deleteModeObject(world.endpoint, accountId);

    // Act
    const { opened, after, notices } = await remediateIn('notified', {
      settings: { defaultMode: 'enforce' },
    });

    // Assess
    expect(after).toEqual(opened.expectedAfter('narrow'));
    const [record] = notices.map((notice) => notice.record);
    expect(record?.action).toBe('remediated');
    expect(record?.policySource).toEqual({ kind: 'default' });
    expect(record?.warnings.join(' ')).toMatch(/no entry in the mode map yet/);
  });

  it('changes nothing while the map cannot be read, and mails failed on the final attempt', async () => {
    // Prepare: the bucket is gone (or denied); Lambda delivers the event three times.
    await deleteModeMap(world.endpoint);
    const ec2 = world.account('enforced').ec2();
    const opened = await openSsh(ec2, 'tcp-all-ports-world');
    const remediator = await coldStart(world, { account: 'enforced' });
    const attempt = () =>
      remediator.invoke(directEvent(opened.groupId), { awsRequestId: 'req-retried' });

    // Act
    await expect(attempt()).rejects.toMatchObject({ code: 'MODE_MAP_UNREADABLE' });
    await expect(attempt()).rejects.toMatchObject({ code: 'MODE_MAP_UNREADABLE' });
    await attempt();

    // Assess
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.rules);
    const notices = await readNotices(world);
    expect(notices.map((notice) => [notice.record?.action, notice.record?.groupId])).toEqual([
      ['failed', opened.groupId],
    ]);
    expect(notices[0]?.record?.error?.code).toBe('MODE_MAP_UNREADABLE');
  });
});
