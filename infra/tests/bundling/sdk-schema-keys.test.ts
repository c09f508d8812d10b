import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { literalSchemaKeys, SDK_SCHEMA_MODULE } from '../../../scripts/sdk-schema-keys.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Every SDK client the Lambdas bundle (all through `packages/aws`). */
const CLIENTS = ['ec2', 'sns', 'sts', 'dynamodb', 's3', 'securityhub', 'organizations'];

function schemaModule(client: string): { path: string; source: string } {
  const require = createRequire(join(ROOT, 'packages', 'aws', 'package.json'));
  const manifest = require.resolve(`@aws-sdk/client-${client}/package.json`);
  const path = join(dirname(manifest), 'dist-es', 'schemas', 'schemas_0.js');
  return { path, source: readFileSync(path, 'utf8') };
}

/**
 * Runs a schema module's source as a function (imports stubbed, exports as plain declarations)
 * and writes every top-level value as JSON: a thunk as the name of the declaration it returns,
 * so two sources compare equal exactly when they build the same schemas.
 */
function evaluateSchemas(source: string): string {
  const imported = [...source.matchAll(/^import \{([^}]*)\} from "[^"]+";$/gm)].flatMap(
    ([, names]) =>
      (names ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
  );
  const declared = [...source.matchAll(/^(?:export )?(?:var|const|let) ([A-Za-z0-9_$]+)/gm)].map(
    ([, name]) => name as string,
  );
  const body = source.replace(/^import .*$/gm, '').replace(/^export (var|const|let) /gm, '$1 ');
  const run = new Function(...imported, `${body}\nreturn { ${declared.join(', ')} };`);
  // Both forms of the registry the SDK has used; what is registered is compared too.
  const registered: unknown[] = [];
  class TypeRegistry {
    static for(): TypeRegistry {
      return new TypeRegistry();
    }
    registerError(schema: unknown, error: unknown): void {
      registered.push([schema, error]);
    }
  }
  const stubs = imported.map((name) => (name === 'TypeRegistry' ? TypeRegistry : { name }));
  const values = { ...(run(...stubs) as Record<string, unknown>), registered };
  const nameOf = new Map<unknown, string>(
    Object.entries(values).map(([name, value]) => [value, name]),
  );
  return JSON.stringify(values, (_key, value: unknown) => {
    if (typeof value !== 'function') return value;
    const returned = (value as () => unknown)();
    return `=> ${nameOf.get(returned) ?? JSON.stringify(returned)}`;
  });
}

describe('literalSchemaKeys', () => {
  it('writes a computed key that names a string constant as that string', () => {
    const source = 'const _xN = "xmlName";\nvar A$ = [3, n0, _A, 0, [_F], [[0, { [_xN]: _F }]]];';

    expect(literalSchemaKeys(source)).toBe(
      'const _xN = "xmlName";\nvar A$ = [3, n0, _A, 0, [_F], [[0, { "xmlName": _F }]]];',
    );
  });

  it('leaves arrays, unknown names and a key that names __proto__ as they are', () => {
    const source = [
      'const _p = "__proto__";',
      'const _h = "httpHeader";',
      'var A$ = [3, n0, _A, 0, [_h], [[0, { [_p]: 1, [other]: 2 }]]];',
      'var B = cond ? [_h] : [_p];',
    ].join('\n');

    expect(literalSchemaKeys(source)).toBe(source);
  });

  it('matches only the schema modules of the SDK clients', () => {
    expect(SDK_SCHEMA_MODULE.test(schemaModule('ec2').path)).toBe(true);
    expect(
      SDK_SCHEMA_MODULE.test('/x/node_modules/@aws-sdk/core/dist-es/schemas/schemas_0.js'),
    ).toBe(false);
    expect(SDK_SCHEMA_MODULE.test('/x/node_modules/@aws-sdk/client-s3/dist-cjs/index.js')).toBe(
      false,
    );
  });

  describe.each(CLIENTS)('on client-%s', (client) => {
    const { source } = schemaModule(client);
    const rewritten = literalSchemaKeys(source);

    it('rewrites every computed key, so esbuild can drop the unused shapes', () => {
      expect(source).toMatch(/[{,]\s*\[_[A-Za-z0-9$]*\]\s*:/);
      expect(rewritten).not.toMatch(/[{,]\s*\[_[A-Za-z0-9$]*\]\s*:/);
    });

    it('builds exactly the schemas the original builds', () => {
      expect(evaluateSchemas(rewritten)).toBe(evaluateSchemas(source));
    });
  });
});
