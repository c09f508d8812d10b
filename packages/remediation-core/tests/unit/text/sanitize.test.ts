import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELLIPSIS, sanitizeOptional, sanitizeText } from '../../../src/text/sanitize.js';

/** Independent oracle: code points that must never survive (controls, separators, bidi). */
function forbidden(character: string): boolean {
  const c = character.codePointAt(0) ?? 0;
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

describe('sanitizeText', () => {
  it('turns CR, LF and TAB into spaces, so a value can never start a new mail line', () => {
    // Act
    const clean = sanitizeText('alice\r\n\r\nHow to undo:\n\tsg-guard undo --yes', 256);

    // Assess
    expect(clean).toBe('alice How to undo: sg-guard undo --yes');
  });

  it('strips C0 and C1 controls, DEL and the line and paragraph separators', () => {
    // Act
    const clean = sanitizeText('a\u0000b\u001bc\u007fd\u0085e\u009bf\u2028g\u2029h', 256);

    // Assess
    expect(clean).toBe('a b c d e f g h');
  });

  it('removes bidi overrides, isolates, marks and zero-width characters', () => {
    // Prepare: "rule" written right-to-left would read as "elur" to a reader.
    const hostile = 'cfg-\u202eelur\u202c-\u2066x\u2069\u200b\u200f\ufeffend';

    // Act
    const clean = sanitizeText(hostile, 256);

    // Assess
    expect(clean).toBe('cfg-elur-xend');
  });

  it('collapses whitespace and trims the ends', () => {
    expect(sanitizeText('   a  \u00a0  b   ', 256)).toBe('a b');
  });

  it('cuts long text to the limit with an ellipsis', () => {
    // Act
    const clean = sanitizeText('x'.repeat(300_000), 256);

    // Assess
    expect(clean).toHaveLength(256);
    expect(clean.endsWith(ELLIPSIS)).toBe(true);
  });

  it('keeps text at exactly the limit whole', () => {
    expect(sanitizeText('y'.repeat(10), 10)).toBe('y'.repeat(10));
  });

  it('never leaves half of a surrogate pair before the ellipsis', () => {
    // Act
    const clean = sanitizeText('ab😀😀😀', 4);

    // Assess
    expect(clean).toBe(`ab${ELLIPSIS}`);
  });

  it('marks text cut even when what is left after collapsing would fit', () => {
    // Prepare: a short start, then so many spaces that the rest lies beyond what is read.
    const value = `start${' '.repeat(10_000)}hidden`;

    // Act
    const clean = sanitizeText(value, 64);

    // Assess
    expect(clean).toBe(`start${ELLIPSIS}`);
  });

  it('always gives one line within the limit, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (value, limit) => {
          // Act
          const clean = sanitizeText(value, limit);

          // Assess
          expect(clean.length).toBeLessThanOrEqual(limit);
          expect([...clean].filter(forbidden)).toEqual([]);
          expect(clean).not.toMatch(/\s\s/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sanitizeOptional', () => {
  it('answers undefined for a value that is absent, not a string, or only control characters', () => {
    expect([undefined, 42, '\r\n\t', '\u202e'].map((v) => sanitizeOptional(v, 10))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('answers the clean text otherwise', () => {
    expect(sanitizeOptional(' rule\nname ', 10)).toBe('rule name');
  });
});
