import { describe, expect, it } from 'vitest';
import {
  EstateError,
  resolveShapeRules,
  SOURCE_GROUP,
  SSH_SHAPES,
  sshShape,
  WORLD_PREFIX_LIST,
} from '../src/index.js';

describe('SSH_SHAPES', () => {
  it('names every shape once', () => {
    const names = SSH_SHAPES.map((shape) => shape.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(SSH_SHAPES)(
    '$name lists its expectations sorted, as describeInboundRules does',
    (shape) => {
      for (const lines of [shape.exposing, shape.survivors.narrow, shape.survivors.revoke]) {
        expect([...lines]).toEqual([...lines].sort());
      }
    },
  );

  it.each(SSH_SHAPES)('$name reports exposures exactly when it is exposed', (shape) => {
    expect(shape.exposing.length > 0).toBe(shape.exposed);
  });

  it.each(SSH_SHAPES.filter((shape) => !shape.exposed))(
    '$name survives both strategies untouched',
    (shape) => {
      expect(shape.survivors.narrow).toEqual(shape.survivors.revoke);
      expect(shape.survivors.narrow.length).toBe(
        shape.permissions.reduce((count, permission) => count + permission.sources.length, 0),
      );
    },
  );

  it('covers the shapes the design names', () => {
    const protocols = new Set(SSH_SHAPES.flatMap((s) => s.permissions.map((p) => p.protocol)));
    expect([...protocols].sort()).toEqual(['-1', '47', '6', 'icmp', 'tcp', 'udp']);
    const sources = new Set(SSH_SHAPES.flatMap((s) => s.permissions.flatMap((p) => p.sources)));
    for (const source of ['0.0.0.0/0', '::/0', '0.0.0.0/1', '::/1', '203.0.113.7/32']) {
      expect(sources).toContain(source);
    }
    expect(sources).toContain(SOURCE_GROUP);
    expect(sources).toContain(WORLD_PREFIX_LIST);
  });
});

describe('sshShape', () => {
  it('finds a shape by name', () => {
    expect(sshShape('gre-world').exposed).toBe(false);
  });

  it('refuses an unknown name with the known ones', () => {
    expect(() => sshShape('tcp-2222')).toThrow(EstateError);
    expect(() => sshShape('tcp-2222')).toThrow(/known: tcp-22-world-v4/);
  });
});

describe('resolveShapeRules', () => {
  it('puts real ids in place of the placeholders and sorts again', () => {
    expect(
      resolveShapeRules([`tcp 22 ${WORLD_PREFIX_LIST}`, `tcp 22 ${SOURCE_GROUP}`], {
        sourceGroupId: 'sg-9',
        prefixListId: 'pl-1',
      }),
    ).toEqual(['tcp 22 pl-1', 'tcp 22 sg-9']);
  });
});
