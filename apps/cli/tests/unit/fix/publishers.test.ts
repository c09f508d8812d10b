import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notice, NoticePublisher } from '@sg-guard/remediation-core';
import { describe, expect, it } from 'vitest';
import { AllPublishers, RecordsFilePublisher } from '../../../src/fix/publishers.js';

const notice = (recordId: string) =>
  ({ record: { recordId, schemaVersion: 1 } }) as unknown as Notice;

describe('RecordsFilePublisher', () => {
  it('appends each record as one JSON line, in order, even when published at once', async () => {
    // Prepare
    const file = join(await mkdtemp(join(tmpdir(), 'sg-guard-')), 'records.jsonl');
    const publisher = new RecordsFilePublisher(file);

    // Act
    await Promise.all(['a', 'b', 'c'].map((id) => publisher.publish(notice(id))));

    // Assess
    expect(await readFile(file, 'utf8')).toBe(
      '{"recordId":"a","schemaVersion":1}\n{"recordId":"b","schemaVersion":1}\n{"recordId":"c","schemaVersion":1}\n',
    );
  });

  it('fails the publish when the file cannot be written', async () => {
    // Prepare
    const publisher = new RecordsFilePublisher('/nonexistent/dir/records.jsonl');

    // Act
    const publishing = publisher.publish(notice('a'));

    // Assess
    await expect(publishing).rejects.toThrow(/ENOENT/);
  });
});

describe('AllPublishers', () => {
  it('publishes to each in turn and throws the first failure', async () => {
    // Prepare
    const seen: string[] = [];
    const ok: NoticePublisher = { publish: async (n) => void seen.push(`ok ${n.record.recordId}`) };
    const broken: NoticePublisher = {
      publish: async () => {
        throw new Error('sns:Publish failed');
      },
    };

    // Act
    const publishing = new AllPublishers([ok, broken, ok]).publish(notice('a'));

    // Assess
    await expect(publishing).rejects.toThrow('sns:Publish failed');
    expect(seen).toEqual(['ok a']);
  });
});
