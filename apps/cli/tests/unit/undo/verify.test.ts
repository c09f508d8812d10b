import { describe, expect, it } from 'vitest';
import { differences } from '../../../src/undo/verify.js';

describe('differences', () => {
  it('names the paths that differ, never the values', () => {
    // Act
    const found = differences(
      { a: 1, rules: [{ source: { cidr: '0.0.0.0/0' } }, { x: 1 }], b: 'evil\nline' },
      { a: 1, rules: [{ source: { cidr: '10.0.0.0/8' } }], b: 'good' },
    );

    // Assess
    expect(found).toEqual(['b', 'rules[0].source.cidr', 'rules[1] (not in the ledger)']);
  });

  it('counts an absent field and an undefined one as the same', () => {
    expect(differences({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });

  it('names an element missing from the record', () => {
    expect(differences({ r: [] }, { r: [1] })).toEqual(['r[0] (missing from the record)']);
  });

  it('finds a flag turned from false to true', () => {
    expect(differences({ created: true }, { created: false })).toEqual(['created']);
  });
});
