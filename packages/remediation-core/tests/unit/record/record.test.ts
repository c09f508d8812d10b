import { describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../../../src/errors.js';
import type { NoticeAction, RemediationRecord } from '../../../src/model.js';
import { buildRecord } from '../../../src/notice/build-record.js';
import { parseRecord, parseRecordLines } from '../../../src/record/record.js';
import { errorOf } from '../events/load-fixture.js';
import { noticeInput } from '../notice/notice-inputs.js';

const ACTIONS: readonly NoticeAction[] = ['remediated', 'would-remediate', 'exempted', 'failed'];

function jsonOf(record: RemediationRecord): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
}

describe('parseRecord', () => {
  it.each(ACTIONS)('reads back a %s record exactly as it was built', (action) => {
    // Prepare
    const record = buildRecord(noticeInput(action));

    // Act
    const read = parseRecord(jsonOf(record));

    // Assess
    expect(read).toStrictEqual(record);
  });

  it('reads a record with the default policy source and a rule from another group', () => {
    // Prepare
    const record = buildRecord(
      noticeInput('remediated', {
        policy: {
          accountId: '111122223333',
          mode: 'enforce',
          source: { kind: 'default' },
          warnings: ['w'],
        },
        applied: {
          revoked: [],
          authorized: [
            {
              protocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              source: {
                kind: 'security-group',
                groupId: 'sg-0fedcba9876543210',
                userId: '444455556666',
              },
            },
          ],
        },
      }),
    );

    // Act
    const read = parseRecord(jsonOf(record));

    // Assess
    expect(read).toStrictEqual(record);
  });

  it('lists every issue of a bad record', () => {
    // Prepare
    const json: Record<string, unknown> = {
      ...jsonOf(buildRecord(noticeInput('remediated'))),
      schemaVersion: 2,
      action: 'fixed',
      accountId: 'prod',
    };
    delete json.region;

    // Act
    const error = errorOf(() => parseRecord(json));

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as InvalidRecordError).code).toBe('INVALID_RECORD');
    expect((error as InvalidRecordError).issues.map((i) => i.split(':')[0])).toEqual([
      'schemaVersion',
      'action',
      'accountId',
      'region',
    ]);
  });

  it('rejects a rule with a bad CIDR or port, naming its path', () => {
    // Prepare
    const json = jsonOf(buildRecord(noticeInput('remediated'))) as {
      revoked: Record<string, unknown>[];
    };
    json.revoked[0] = {
      ...json.revoked[0],
      fromPort: 70000,
      source: { kind: 'cidr', family: 'ipv4', cidr: 'anywhere' },
    };

    // Act
    const error = errorOf(() => parseRecord(json));

    // Assess
    expect((error as InvalidRecordError).issues).toEqual([
      expect.stringMatching(/^revoked\.0\.fromPort: /),
      expect.stringMatching(/^revoked\.0\.source\.cidr: expected a CIDR/),
    ]);
  });

  it.each([null, 'record', 42])('rejects %j, which is no record at all', (json) => {
    // Act
    const error = errorOf(() => parseRecord(json));

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as InvalidRecordError).issues[0]).toMatch(/^\(root\): /);
  });
});

describe('parseRecordLines', () => {
  const line = (action: NoticeAction, recordId: string) =>
    JSON.stringify(buildRecord(noticeInput(action, { recordId })));

  it('reads one record per line, skipping blank lines and CRLF endings', () => {
    // Prepare
    const text = [
      '',
      line('remediated', 'a'),
      '   ',
      `${line('failed', 'b')}\r`,
      line('exempted', 'c'),
      '',
    ].join('\n');

    // Act
    const records = parseRecordLines(text);

    // Assess
    expect(records.map((r) => [r.recordId, r.action])).toEqual([
      ['a', 'remediated'],
      ['b', 'failed'],
      ['c', 'exempted'],
    ]);
  });

  it('reads an empty file as no records', () => {
    // Act / Assess
    expect(parseRecordLines('\n\n')).toEqual([]);
  });

  it('names the line that is not JSON', () => {
    // Prepare
    const text = [line('remediated', 'a'), '{"schemaVersion": 1,', line('remediated', 'c')].join(
      '\n',
    );

    // Act
    const error = errorOf(() => parseRecordLines(text));

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toBe(
      'invalid remediation record on line 2: line 2: not valid JSON',
    );
  });

  it('names every line that is not a record, with its issues', () => {
    // Prepare
    const text = [line('remediated', 'a'), '{}', line('remediated', 'c'), '[1]'].join('\n');

    // Act
    const error = errorOf(() => parseRecordLines(text));

    // Assess
    expect((error as Error).message).toMatch(/^invalid remediation record on lines 2, 4: /);
    expect((error as InvalidRecordError).issues).toContain(
      'line 2: schemaVersion: Invalid input: expected 1',
    );
    expect((error as InvalidRecordError).issues.at(-1)).toMatch(/^line 4: \(root\): /);
  });
});
