import type { AuditProgress } from './audit/run.js';
import type { OutputStream } from './io.js';

/** Progress of a long run, shown on one rewritten stderr line. */
export interface ProgressLine {
  update(progress: AuditProgress): void;
  /** Erases the line so the report starts on a clean one. */
  done(): void;
}

const SILENT: ProgressLine = { update() {}, done() {} };

/**
 * A progress line on `stream` when it is a terminal and the output is for people; nothing when
 * stderr is piped or `--json` is set, so logs and scripts stay clean.
 */
export function progressLine(stream: OutputStream, enabled: boolean): ProgressLine {
  if (!enabled || !stream.isTTY) return SILENT;
  let shown = false;
  return {
    update(p) {
      const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
      stream.write(
        `\r\x1b[2K${p.done}/${p.total} account-regions scanned, ${p.exposedGroups} exposed group(s)${failed}`,
      );
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
