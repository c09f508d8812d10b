import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_PATH,
  loadConfig,
  parseConfig,
  type SgGuardConfigInput,
} from '../lib/config.js';
import { ConfigNotFoundError, InvalidConfigError } from '../lib/errors.js';

/** The smallest valid document: every optional section left out. */
function minimal(): SgGuardConfigInput {
  return {
    organizationId: 'o-a1b2c3d4e5',
    central: { accountId: '111111111111', region: 'eu-west-1' },
    stackSetsAdmin: { accountId: '222222222222', delegatedAdmin: true },
    targets: { organizationalUnitIds: ['ou-ab12-11111111'], regions: ['eu-west-1'] },
    notifications: [{ email: 'security@example.com', actions: ['remediated', 'failed'] }],
  };
}

/** The issues `parseConfig` reports for a document, by JSON path. */
function issuesOf(document: unknown): Record<string, string> {
  try {
    parseConfig(document);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      return Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
    }
    throw error;
  }
  throw new Error('expected the document to be rejected');
}

const scratch = mkdtempSync(join(tmpdir(), 'sg-guard-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('loads the committed example config', () => {
    const config = loadConfig(DEFAULT_CONFIG_PATH);

    expect(config.organizationId).toMatch(/^o-/);
    expect(config.targets.regions.length).toBeGreaterThan(0);
    expect(config.remediation.defaultMode).toBe('notify');
  });

  it('reports a missing file as ConfigNotFoundError naming the path', () => {
    const path = join(scratch, 'absent.json');

    expect(() => loadConfig(path)).toThrow(ConfigNotFoundError);
    expect(() => loadConfig(path)).toThrow(path);
  });

  it('reports a file that is not JSON as an invalid config at the root', () => {
    const path = join(scratch, 'broken.json');
    writeFileSync(path, '{ "organizationId": ');

    const error = (() => {
      try {
        loadConfig(path);
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues[0]?.path).toBe('(root)');
  });
});

describe('parseConfig', () => {
  it('fills every optional section with its documented default', () => {
    const config = parseConfig(minimal());

    expect(config.remediation).toEqual({
      ports: [22],
      strategy: 'narrow',
      defaultMode: 'enforce',
      allowGroupExemptions: false,
      fastPath: true,
      sweepSchedule: 'rate(1 hour)',
    });
    expect(config.securityHub).toBe(false);
    expect(config.modeMap).toBeUndefined();
    expect(config.config.recorderMode).toBe('auto');
    expect(config.rollout).toEqual({
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
      regionConcurrency: 'parallel',
    });
    expect(config.targets.excludedAccounts).toBeUndefined();
    expect(config.stackSetsAdmin.region).toBe('eu-west-1');
    expect(config.assetBucketPrefix).toBe('sg-guard-assets-222222222222');
  });

  it('names the JSON path of each bad field', () => {
    const document = minimal();
    const issues = issuesOf({
      ...document,
      organizationId: 'org-1',
      targets: { ...document.targets, regions: ['eu-west-1', 'Frankfurt'] },
      notifications: [{ email: 'not-an-address', actions: ['remediated'] }],
      remediation: { ports: [22, 70000] },
    });

    expect(Object.keys(issues).sort()).toEqual([
      'notifications[0].email',
      'organizationId',
      'remediation.ports[1]',
      'targets.regions[1]',
    ]);
    expect(issues['targets.regions[1]']).toContain('region');
  });

  it('names a misspelt key at its own path', () => {
    const issues = issuesOf({ ...minimal(), remediaton: { ports: [22] } });

    expect(Object.keys(issues)).toEqual(['remediaton']);
  });

  it('rejects a notice action no mailbox can receive', () => {
    const issues = issuesOf({
      ...minimal(),
      notifications: [{ email: 'a@example.com', actions: ['remediated', 'fixed'] }],
    });

    expect(Object.keys(issues)).toEqual(['notifications[0].actions[1]']);
  });

  it('rejects the same mailbox listed twice', () => {
    const issues = issuesOf({
      ...minimal(),
      notifications: [
        { email: 'a@example.com', actions: ['failed'] },
        { email: 'A@example.com', actions: ['remediated'] },
      ],
    });

    expect(Object.keys(issues)).toEqual(['notifications']);
  });

  it('rejects a mode publisher outside the management account that runs the StackSet', () => {
    const document = minimal();
    const issues = issuesOf({
      ...document,
      stackSetsAdmin: { accountId: '222222222222', delegatedAdmin: false },
      modePublisher: { location: 'management', accountId: '333333333333' },
    });

    expect(Object.keys(issues)).toEqual(['modePublisher.accountId']);
    expect(issues['modePublisher.accountId']).toContain('222222222222');
  });

  it("names the mode map's bucket after the organization unless told otherwise", () => {
    const withModeMap = {
      ...minimal(),
      modePublisher: { location: 'management' as const, accountId: '333333333333' },
      modeMap: { region: 'us-east-1' },
    };

    expect(parseConfig(withModeMap).modeMap).toEqual({
      bucketName: 'sg-guard-mode-map-o-a1b2c3d4e5',
      region: 'us-east-1',
    });
    expect(
      parseConfig({ ...withModeMap, modeMap: { bucketName: 'my-modes', region: 'us-east-1' } })
        .modeMap?.bucketName,
    ).toBe('my-modes');
    expect(
      issuesOf({ ...withModeMap, modeMap: { bucketName: 'My_Modes', region: 'us-east-1' } }),
    ).toHaveProperty(['modeMap.bucketName']);
  });

  it('rejects an asset bucket prefix that would make bucket names too long for S3', () => {
    const issues = issuesOf({ ...minimal(), assetBucketPrefix: 'x'.repeat(47) });

    expect(Object.keys(issues)).toEqual(['assetBucketPrefix']);
  });

  it('says in the message which field is wrong and in which file', () => {
    expect(() => parseConfig({ ...minimal(), central: {} }, 'my.json')).toThrow(
      /my\.json[\s\S]*central\.accountId/,
    );
  });
});
