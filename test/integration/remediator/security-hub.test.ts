import {
  AccessDeniedException,
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  ThrottlingException,
} from '@aws-sdk/client-securityhub';
import { createSecurityGroup, describeInboundRules, openSsh } from '@sg-guard/emulator';
import {
  SECURITY_HUB_GENERATOR_ID,
  securityHubFindingId,
} from '@sg-guard/remediation-core/security-hub';
import { createHandler } from '@sg-guard/remediator/app';
import { readSettings } from '@sg-guard/remediator/settings';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { directEvent } from '../../support/events.js';
import { readNotices } from '../../support/notices.js';
import { coldStart, type Deployment } from '../../support/remediator.js';
import { buildWorld, HOME_REGION, type TestAccountName, type World } from '../../support/world.js';

let world: World;
beforeEach(async () => {
  world = await buildWorld();
});

/** A remediator deployed with `securityHub: true` (the stack sets SG_GUARD_SECURITY_HUB). */
async function withSecurityHub(deployment: Deployment) {
  vi.stubEnv('SG_GUARD_SECURITY_HUB', 'true');
  return coldStart(world, deployment);
}

/** The account-region's Security Hub, as the security team reads it. */
function securityHubOf(account: TestAccountName, region = HOME_REGION): SecurityHubClient {
  return new SecurityHubClient({
    endpoint: world.endpoint,
    region,
    credentials: world.account(account).credentials,
  });
}

/**
 * Every sg-guard finding in the account-region's hub. moto ignores `Filters`, so the generator
 * is matched here; pages are followed.
 */
async function sgGuardFindings(
  account: TestAccountName,
  region = HOME_REGION,
): Promise<AwsSecurityFinding[]> {
  const client = securityHubOf(account, region);
  const findings: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetFindingsCommand({ MaxResults: 100, NextToken }));
    findings.push(...(page.Findings ?? []));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return findings.filter((finding) => finding.GeneratorId === SECURITY_HUB_GENERATOR_ID);
}

/**
 * Lines written to stdout and stderr from now until the test ends, kept out of the test output
 * (the handler's logger writes there directly, past Vitest's console capture).
 */
function captureOutput(): () => string[] {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    onTestFinished(() => spy.mockRestore());
  }
  return () => lines;
}

function idOf(account: TestAccountName, groupId: string, region = HOME_REGION): string {
  return securityHubFindingId({ accountId: world.account(account).accountId, region }, groupId);
}

function groupArn(account: TestAccountName, groupId: string, region = HOME_REGION): string {
  return `arn:aws:ec2:${region}:${world.account(account).accountId}:security-group/${groupId}`;
}

describe('Security Hub findings from the remediator', () => {
  it('imports one finding per exposed group, open in notify mode and resolved once fixed, none for a clean group', async () => {
    // Prepare: two exposed groups and a clean one in an account that starts in notify mode.
    const ec2 = world.account('enforced').ec2();
    const ssh = await openSsh(ec2, 'tcp-22-world-v4');
    const wide = await openSsh(ec2, 'tcp-all-ports-world');
    const clean = await createSecurityGroup(ec2, { groupName: 'private-only' });
    const notifying = await withSecurityHub({
      account: 'enforced',
      settings: { modeMap: false, defaultMode: 'notify' },
    });

    // Act 1: notify mode reports each exposure and changes nothing.
    for (const group of [ssh, wide, clean]) await notifying.invoke(directEvent(group.groupId));

    // Assess 1
    const open = await sgGuardFindings('enforced');
    expect(open.map((f) => f.Id).sort()).toEqual(
      [idOf('enforced', ssh.groupId), idOf('enforced', wide.groupId)].sort(),
    );
    for (const finding of open) {
      expect(finding).toMatchObject({
        AwsAccountId: world.account('enforced').accountId,
        ProductArn: `arn:aws:securityhub:${HOME_REGION}:${world.account('enforced').accountId}:product/${world.account('enforced').accountId}/default`,
        Compliance: { Status: 'FAILED' },
        Workflow: { Status: 'NEW' },
        RecordState: 'ACTIVE',
        Severity: { Label: 'HIGH' },
        Types: [
          'Software and Configuration Checks/AWS Security Best Practices/Network Reachability',
        ],
      });
    }
    const sshFinding = open.find((f) => f.Id === idOf('enforced', ssh.groupId));
    expect(sshFinding?.Resources).toEqual([
      {
        Type: 'AwsEc2SecurityGroup',
        Id: groupArn('enforced', ssh.groupId),
        Partition: 'aws',
        Region: HOME_REGION,
        Details: {
          AwsEc2SecurityGroup: {
            GroupId: ssh.groupId,
            GroupName: ssh.groupName,
            VpcId: ssh.vpcId,
            OwnerId: world.account('enforced').accountId,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          },
        },
      },
    ]);
    const mailed = await readNotices(world);
    expect(mailed.map((n) => n.record?.action)).toEqual(['would-remediate', 'would-remediate']);
    expect(sshFinding?.ProductFields?.['sg-guard/RecordId']).toBe(
      mailed.find((n) => n.record?.groupId === ssh.groupId)?.record?.recordId,
    );
    expect(await describeInboundRules(ec2, ssh.groupId)).toEqual(ssh.rules);

    // Act 2: the account is switched to enforce; the same groups are handled again.
    const enforcing = await withSecurityHub({
      account: 'enforced',
      settings: { modeMap: false, defaultMode: 'enforce' },
    });
    for (const group of [ssh, wide, clean]) await enforcing.invoke(directEvent(group.groupId));

    // Assess 2: fixed in EC2, mailed, and the same two findings now resolved.
    expect(await describeInboundRules(ec2, ssh.groupId)).toEqual(ssh.expectedAfter('narrow'));
    expect(await describeInboundRules(ec2, wide.groupId)).toEqual(wide.expectedAfter('narrow'));
    const fixes = await readNotices(world);
    expect(fixes.map((n) => n.record?.action)).toEqual(['remediated', 'remediated']);
    const resolved = await sgGuardFindings('enforced');
    expect(resolved.map((f) => f.Id).sort()).toEqual(open.map((f) => f.Id).sort());
    for (const finding of resolved) {
      expect(finding).toMatchObject({
        Compliance: { Status: 'PASSED' },
        Workflow: { Status: 'RESOLVED' },
        Severity: { Label: 'INFORMATIONAL' },
        RecordState: 'ACTIVE',
      });
      const record = fixes.find(
        (n) => n.record?.groupId === finding.Resources?.[0]?.Details?.AwsEc2SecurityGroup?.GroupId,
      )?.record;
      expect(finding.ProductFields?.['sg-guard/RecordId']).toBe(record?.recordId);
      expect(finding.Remediation?.Recommendation?.Text).toContain(record?.recordId);
    }
  });

  it('imports a resolved finding for each exposed group the hourly sweep fixes, and none for clean groups', async () => {
    // Prepare
    const ec2 = world.account('enforced').ec2();
    const exposed = [
      await openSsh(ec2, 'tcp-22-world-v4'),
      await openSsh(ec2, 'tcp-22-world-v6'),
      await openSsh(ec2, 'all-traffic-world'),
    ];
    await createSecurityGroup(ec2, { groupName: 'private-only' });
    const remediator = await withSecurityHub({ account: 'enforced' });

    // Act
    await remediator.invoke({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      id: 'security-hub-sweep',
      time: new Date().toISOString(),
      region: HOME_REGION,
      resources: [],
      detail: {},
    });

    // Assess: one finding per fixed group; the clean and default groups have none.
    const findings = await sgGuardFindings('enforced');
    expect(findings.map((f) => f.Id).sort()).toEqual(
      exposed.map((group) => idOf('enforced', group.groupId)).sort(),
    );
    for (const finding of findings) {
      expect(finding).toMatchObject({
        Compliance: { Status: 'PASSED' },
        Workflow: { Status: 'RESOLVED' },
        ProductFields: { 'sg-guard/Action': 'remediated', 'sg-guard/Trigger': 'sweep' },
      });
    }
    for (const group of exposed) {
      expect(await describeInboundRules(ec2, group.groupId)).toEqual(group.expectedAfter('narrow'));
    }
    expect(await readNotices(world)).toHaveLength(exposed.length);
  });

  it('imports into the account-region of the remediator only', async () => {
    // Prepare
    const region = 'us-east-2';
    const opened = await openSsh(world.account('enforced').ec2(region), 'tcp-22-world-v6');
    const remediator = await withSecurityHub({ account: 'enforced', region });

    // Act
    await remediator.invoke(directEvent(opened.groupId));

    // Assess
    expect((await sgGuardFindings('enforced', region)).map((f) => f.Id)).toEqual([
      idOf('enforced', opened.groupId, region),
    ]);
    expect(await sgGuardFindings('enforced')).toEqual([]);
    expect(await sgGuardFindings('security', region)).toEqual([]);
  });

  it('leaves a notify-mode finding FAILED and NEW when the same exposure is seen again', async () => {
    // Prepare
    const ec2 = world.account('notified').ec2();
    const opened = await openSsh(ec2, 'tcp-22-world-v4');
    const remediator = await withSecurityHub({ account: 'notified' });

    // Act
    await remediator.invoke(directEvent(opened.groupId));
    await remediator.invoke(directEvent(opened.groupId));

    // Assess
    const findings = await sgGuardFindings('notified');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      Id: idOf('notified', opened.groupId),
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      ProductFields: { 'sg-guard/Action': 'would-remediate', 'sg-guard/Mode': 'notify' },
    });
    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(opened.rules);
  });

  it('imports nothing when the deployment leaves Security Hub off', async () => {
    // Prepare
    const opened = await openSsh(world.account('enforced').ec2(), 'tcp-22-world-v4');
    const remediator = await coldStart(world, { account: 'enforced' });

    // Act
    await remediator.invoke(directEvent(opened.groupId));

    // Assess
    expect((await readNotices(world)).map((n) => n.record?.action)).toEqual(['remediated']);
    expect(await sgGuardFindings('enforced')).toEqual([]);
  });
});

describe('a Security Hub that fails', () => {
  it.each([
    [
      'throttled',
      'THROTTLED',
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
    ],
    [
      'denied',
      'ACCESS_DENIED',
      new AccessDeniedException({
        message: 'not authorized to perform: securityhub:BatchImportFindings',
        $metadata: { httpStatusCode: 403 },
      }),
    ],
  ])(
    '%s: the group is still fixed and mailed, the failure logged, and the invocation succeeds',
    async (label, code, failure) => {
      // Prepare: the deployed environment, with the function's Security Hub client failing.
      const ec2 = world.account('enforced').ec2();
      const opened = await openSsh(ec2, 'tcp-22-world-v4');
      const deployed = await withSecurityHub({ account: 'enforced' });
      const securityHub = new SecurityHubClient({ region: HOME_REGION, maxAttempts: 1 });
      const securityHubMock = mockClient(securityHub);
      securityHubMock.on(BatchImportFindingsCommand).rejects(failure);
      // Warnings on, to see the failure logged (the harness keeps the handler silent).
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
      const logged = captureOutput();
      const handler = createHandler(readSettings(process.env), { clients: { securityHub } });

      // Act
      const summary = await handler(directEvent(opened.groupId), {
        invokedFunctionArn: `arn:aws:lambda:${HOME_REGION}:${deployed.accountId}:function:sg-guard-remediator`,
        awsRequestId: `security-hub-${label}`,
      });

      // Assess
      expect(securityHubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
      expect(summary.outcomes.map((o) => o.outcome)).toEqual(['remediated']);
      expect(await describeInboundRules(ec2, opened.groupId)).toEqual(
        opened.expectedAfter('narrow'),
      );
      const notices = await readNotices(world);
      expect(notices.map((n) => n.record?.action)).toEqual(['remediated']);
      expect(notices[0]?.record?.groupId).toBe(opened.groupId);
      expect(await sgGuardFindings('enforced')).toEqual([]);
      const warnings = logged().filter((line) => line.includes('Security Hub import failed'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
        level: 'WARN',
        group: opened.groupId,
        error: { code, action: 'securityhub:BatchImportFindings' },
      });
    },
  );
});
