import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * Lets esbuild tree-shake the AWS SDK's schemas (aws/aws-sdk-js-v3#7607, open as of 3.1169.0).
 *
 * Each client's `dist-es/schemas/schemas_0.js` describes every shape of its service as a
 * top-level array. The generated trait objects use computed keys that name a string constant of
 * the same file (`{ [_xN]: _Fil }` with `const _xN = "xmlName"`). esbuild must assume that a
 * computed key may run code (a `toString`), so it keeps every such statement and all it
 * references: a bundle of the EC2 client with one command carries 2,233 of EC2's structures
 * (548 kB minified), and compiling them is most of a cold start. Writing those keys as the
 * literals they name (`{ "xmlName": _Fil }`) changes no value, and esbuild then keeps only the
 * shapes the bundled commands reach. The same fix is proposed upstream in the generator
 * (smithy-lang/smithy-typescript#1889).
 */

/** The schema modules of the SDK's clients (ES module builds), by path. */
export const SDK_SCHEMA_MODULE =
  /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** `const _xN = "xmlName";`: a top-level string constant of a schema module. */
const STRING_CONSTANT = /^const (_[A-Za-z0-9$]*) = ("(?:[^"\\\r\n]|\\.)*");$/gm;

/** `[_xN]:` right after `{` or `,`, where only an object literal's key can stand. */
const COMPUTED_KEY = /([{,]\s*)\[(_[A-Za-z0-9$]*)\](\s*:)/g;

/**
 * `source` with each computed key that names one of its top-level string constants written as
 * that string. Any other computed key is left as it is, and so is a key that names `__proto__`
 * (as a literal key it would set the prototype instead of a property).
 *
 * @example
 * literalSchemaKeys('const _xN = "xmlName";\nvar A$ = [3, n0, _A, 0, [_F], [[0, { [_xN]: _F }]]];')
 * // → 'const _xN = "xmlName";\nvar A$ = [3, n0, _A, 0, [_F], [[0, { "xmlName": _F }]]];'
 */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
    if (name !== undefined && literal !== undefined) strings.set(name, literal);
  }
  return source.replace(
    COMPUTED_KEY,
    (key: string, before: string, name: string, colon: string) => {
      const literal = strings.get(name);
      if (literal === undefined || literal === '"__proto__"') return key;
      return `${before}${literal}${colon}`;
    },
  );
}

/**
 * The esbuild plugin that applies {@link literalSchemaKeys} to every {@link SDK_SCHEMA_MODULE}.
 *
 * @example
 * await build({ bundle: true, entryPoints: ['handler.ts'], plugins: [sdkSchemaKeysPlugin()] });
 */
export function sdkSchemaKeysPlugin(): Plugin {
  return {
    name: 'sdk-schema-literal-keys',
    setup(build) {
      build.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path }) => ({
        contents: literalSchemaKeys(await readFile(path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}
