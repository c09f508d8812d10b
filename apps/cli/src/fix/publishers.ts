/** Where `fix` sends each decision's notice: a JSON Lines records file, and SNS when asked. */
import { appendFile } from 'node:fs/promises';
import type { Notice, NoticePublisher } from '@sg-guard/remediation-core';

/**
 * A {@link NoticePublisher} that appends each notice's record as one JSON line, in the order
 * the notices come (`undo --records` reads the file back). Appends are serialized so lines never
 * interleave.
 */
export class RecordsFilePublisher implements NoticePublisher {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  publish(notice: Notice): Promise<void> {
    const write = this.queue.then(() =>
      appendFile(this.file, `${JSON.stringify(notice.record)}\n`, 'utf8'),
    );
    // A failed append fails this publish (and so this fix); later appends still run.
    this.queue = write.catch(() => {});
    return write;
  }
}

/** Publishes to every publisher in turn; the first failure is thrown (no notice lost silently). */
export class AllPublishers implements NoticePublisher {
  constructor(private readonly publishers: readonly NoticePublisher[]) {}

  async publish(notice: Notice): Promise<void> {
    for (const publisher of this.publishers) await publisher.publish(notice);
  }
}
