import { InvalidRecordError } from '../errors.js';
import type { RemediationRecord } from '../model.js';
import { safeParse } from '../validation.js';
import { recordIssues, remediationRecordSchema } from './schema.js';

export { recordedRuleSchema, remediationRecordSchema } from './schema.js';
export {
  type PlannedUndo,
  planUndo,
  type UndoLeftAlone,
  type UndoLeftAloneReason,
  type UndoStep,
  undoSteps,
} from './undo.js';

/** The record, or the issues that make `json` no record. */
function readRecord(json: unknown): { record?: RemediationRecord; issues: string[] } {
  const result = safeParse(remediationRecordSchema, json);
  return result.success
    ? { record: result.data, issues: [] }
    : { issues: recordIssues(result.error) };
}

/**
 * Reads one remediation record (schema version 1) from parsed JSON.
 *
 * @throws InvalidRecordError listing every issue when `json` is not a valid record.
 *
 * @example
 * const record = parseRecord(JSON.parse(snsMessage));
 */
export function parseRecord(json: unknown): RemediationRecord {
  const { record, issues } = readRecord(json);
  if (record === undefined) {
    throw new InvalidRecordError(`invalid remediation record: ${issues.join('; ')}`, issues);
  }
  return record;
}

/**
 * Reads records from JSON Lines text (one record per line; blank lines are skipped).
 *
 * @throws InvalidRecordError naming every bad line, with issues prefixed `line N:`.
 *
 * @example
 * const records = parseRecordLines(readFileSync('records.jsonl', 'utf8'));
 */
export function parseRecordLines(text: string): RemediationRecord[] {
  const records: RemediationRecord[] = [];
  const issues: string[] = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNumber = index + 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      badLines.push(lineNumber);
      issues.push(`line ${lineNumber}: not valid JSON`);
      return;
    }
    const parsed = readRecord(json);
    if (parsed.record !== undefined) {
      records.push(parsed.record);
      return;
    }
    badLines.push(lineNumber);
    issues.push(...parsed.issues.map((issue) => `line ${lineNumber}: ${issue}`));
  });
  if (badLines.length > 0) {
    const where = badLines.length === 1 ? `line ${badLines[0]}` : `lines ${badLines.join(', ')}`;
    throw new InvalidRecordError(
      `invalid remediation record on ${where}: ${issues.join('; ')}`,
      issues,
    );
  }
  return records;
}
