/**
 * Counts AWS API calls by name without touching the code under test: a loopback HTTP proxy in
 * front of moto_server. Point a client (or the CLI's `--endpoint-url`) at `endpoint` and every
 * request is forwarded unchanged and counted as `service:Operation`.
 *
 * The operation is read the way AWS reads it: `X-Amz-Target` (JSON protocols), the
 * `/service/…/operation/<Op>` path (Smithy RPC v2), the SDK's `x-id` query parameter (S3 REST),
 * else `Action=` of the query body (EC2, SNS, STS). The service comes from the SigV4 credential scope of the `Authorization` header.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMs } from './stats.js';

/**
 * What the benchmarks' latency passes add to every call: about a round trip to an AWS endpoint
 * in region, which moto (answering at once) does not have.
 */
export const SIMULATED_LATENCY_MS = 50;

/** One counted call. */
export interface CountedCall {
  /** `ec2:DescribeSecurityGroupRules`, `sns:Publish`, … */
  readonly name: string;
  /** Region of the SigV4 scope. */
  readonly region: string;
  /** Access key id that signed the call (tells accounts apart in the emulator). */
  readonly accessKeyId: string;
  /** When the emulator was asked and when its answer was through (ms, `nowMs` clock). */
  readonly startMs: number;
  endMs?: number;
}

/** A running counting proxy. */
export interface CallCounter {
  /** `http://127.0.0.1:<port>`: use as the endpoint of the clients to count. */
  readonly endpoint: string;
  /** Calls since the last {@link CallCounter.reset}, in arrival order. */
  calls(): readonly CountedCall[];
  reset(): void;
  stop(): Promise<void>;
}

/** Service, region and access key from `Credential=AKID/date/region/service/aws4_request`. */
function scopeOf(authorization: string | undefined) {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    authorization ?? '',
  );
  return {
    accessKeyId: match?.[1] ?? 'unsigned',
    region: match?.[2] ?? 'unknown',
    service: match?.[3] ?? 'unknown',
  };
}

/** The operation of one request, as AWS would route it. */
export function operationOf(request: IncomingMessage, body: string): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const rpc = /\/operation\/([A-Za-z]+)/.exec(request.url ?? '');
  if (rpc?.[1]) return rpc[1];
  // S3's REST calls name their operation in the SDK's `x-id` query parameter.
  const url = new URL(request.url ?? '/', 'http://localhost');
  const xId = url.searchParams.get('x-id');
  if (xId) return xId;
  if (url.searchParams.get('list-type') === '2') return 'ListObjectsV2';
  const action = new URLSearchParams(body).get('Action');
  if (action) return action;
  const query = url.searchParams.get('Action');
  return query ?? `${request.method} ${request.url}`;
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/**
 * Starts a counting proxy on a free loopback port that forwards to `target` (moto's endpoint),
 * optionally after a simulated network latency. Requests to `/moto-api/` are forwarded but not
 * counted.
 *
 * @example
 * const counter = await startCallCounter(moto.endpoint);
 * const ec2 = createEc2Client({ endpoint: counter.endpoint, … });
 * countByName(counter.calls()); // { 'ec2:DescribeSecurityGroups': 1, … }
 */
export async function startCallCounter(
  target: string,
  options: {
    /**
     * Held before each request is forwarded, as a network round trip to AWS would add to it;
     * concurrent requests wait side by side, as they would on the wire. @default 0
     */
    readonly latencyMs?: number;
  } = {},
): Promise<CallCounter> {
  const upstream = new URL(target);
  const latencyMs = options.latencyMs ?? 0;
  let calls: CountedCall[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      let call: CountedCall | undefined;
      if (!incoming.url?.startsWith('/moto-api/')) {
        const scope = scopeOf(incoming.headers.authorization);
        call = {
          name: `${scope.service}:${operationOf(incoming, body.toString('utf8'))}`,
          region: scope.region,
          accessKeyId: scope.accessKeyId,
          startMs: nowMs(),
        };
        calls.push(call);
      }
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          response.on('end', () => {
            if (call) call.endMs = nowMs();
          });
        },
      );
      forwarded.on('error', (error) => {
        outgoing.writeHead(502).end(String(error));
      });
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => calls,
    reset: () => {
      calls = [];
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Calls counted by name, sorted by name. */
export function countByName(calls: readonly CountedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of [...calls].sort((a, b) => a.name.localeCompare(b.name))) {
    counts[call.name] = (counts[call.name] ?? 0) + 1;
  }
  return counts;
}

/** `ec2:DescribeSecurityGroups ×1, sns:Publish ×1` (short service prefixes kept). */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return 'none';
  return entries.map(([name, count]) => (count === 1 ? name : `${name} ×${count}`)).join(', ');
}
