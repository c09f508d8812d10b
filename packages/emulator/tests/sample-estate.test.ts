import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BuiltEstate,
  buildEstate,
  describeInboundRules,
  emulatorEc2,
  SAMPLE_ESTATE,
  SAMPLE_REGIONS,
} from '../src/index.js';
import { useMoto } from './support/moto.js';

// The tests only read the estate, so one build serves them all.
const moto = useMoto({ resetBeforeEach: false });
let estate: BuiltEstate<typeof SAMPLE_ESTATE.organization>;
beforeAll(async () => {
  estate = await buildEstate(moto.endpoint);
}, 60_000);

describe('buildEstate with SAMPLE_ESTATE', () => {
  it('spreads groups over at least three member accounts in each of two regions', async () => {
    const placements = new Set(estate.groups.map((group) => `${group.account}/${group.region}`));
    const accounts = new Set(estate.groups.map((group) => group.account));
    expect(accounts.size).toBeGreaterThanOrEqual(3);
    for (const account of accounts) {
      for (const region of SAMPLE_REGIONS) expect(placements).toContain(`${account}/${region}`);
    }
    expect(estate.groups).toHaveLength(SAMPLE_ESTATE.groups.length);
    expect(estate.groups.some((group) => group.shape.exposed)).toBe(true);
    expect(estate.groups.some((group) => !group.shape.exposed)).toBe(true);
  });

  it('creates each group in its own account and region only', async () => {
    const group = estate.groups.find(
      (candidate) => candidate.account === 'lab' && candidate.region === 'us-east-1',
    );
    if (!group) throw new Error('SAMPLE_ESTATE lost its lab group in us-east-1');

    const home = emulatorEc2(moto.endpoint, {
      region: group.region,
      credentials: estate.credentials.lab,
    });
    const otherRegion = emulatorEc2(moto.endpoint, {
      region: 'eu-west-1',
      credentials: estate.credentials.lab,
    });
    const otherAccount = emulatorEc2(moto.endpoint, {
      region: group.region,
      credentials: estate.credentials.payments,
    });

    expect(await describeInboundRules(home, group.groupId)).toEqual(group.rules);
    for (const elsewhere of [otherRegion, otherAccount]) {
      await expect(
        elsewhere.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.groupId] })),
      ).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    }
    expect(group.accountId).toBe(estate.organization.accounts.lab.accountId);
  });

  it('puts the central inbox in the security account', async () => {
    expect(estate.inbox.topicArn).toBe(
      `arn:aws:sns:eu-west-1:${estate.organization.accounts.security.accountId}:sg-guard-findings`,
    );
    expect(await estate.inbox.readNotices()).toEqual([]);
  });
});
