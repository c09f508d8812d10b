/**
 * A loopback HTTP proxy in front of moto that sees every AWS call of the code under test, counts
 * it by action and injects faults by rule: the failures moto never produces on its own
 * (throttling, a response lost after the change was applied) and edits made by "someone else"
 * just before a call goes through. Only the code under test talks to the proxy; the harness
 * builds and re-describes its estate against moto directly.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ForwardedAnswer, forwardRequest, writeAnswer } from './forward.js';

/**
 * - `throttle`: answered at once with the service's own throttling error, never forwarded
 *   (SNS/STS: 400 `Throttling`; EC2: 503 `RequestLimitExceeded`; JSON services:
 *   400 `ThrottlingException`; S3: 503 `SlowDown`).
 * - `apply-then-503`: forwarded, moto applies it, then the client gets 503 instead of the answer
 *   (a lost response: the SDK retries a call that already took effect).
 */
export type FaultKind = 'throttle' | 'apply-then-503';

/** One fault rule: which actions, which fault, how often, how many times at most. */
export interface FaultRule {
  /** `service:Action`, e.g. `sns:Publish`, `ec2:RevokeSecurityGroupIngress`, `dynamodb:UpdateItem`. */
  readonly actions: readonly string[];
  readonly fault: FaultKind;
  /** Probability per matching call, drawn from the seeded PRNG. @default 1 */
  readonly rate?: number;
  /** At most this many injections by this rule. @default no limit */
  readonly limit?: number;
}

/** A call as the proxy decoded it. */
export interface ProxiedCall {
  /** 1-based, in arrival order. */
  readonly seq: number;
  /** `service:Action` (service from the SigV4 credential scope), or `service:METHOD` for REST. */
  readonly action: string;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** The request body (UTF-8). */
  readonly body: string;
  /** The form parameters of a query-protocol call (EC2, SNS, STS). */
  readonly form?: URLSearchParams;
}

/** Runs before matching calls are forwarded; the call waits for it (bounded by `timeoutMs`). */
export interface BeforeHook {
  readonly actions: readonly string[];
  readonly run: (call: ProxiedCall) => Promise<void>;
  /** How many calls it runs for. @default 1 */
  readonly times?: number;
}

/** What the proxy did with one call. */
export interface CallRecord {
  readonly seq: number;
  readonly action: string;
  /** The status the client got. */
  readonly status: number;
  readonly fault?: FaultKind;
  /** The request body, only for actions listed in `captureBodies`. */
  readonly body?: string;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** moto's endpoint, `http://127.0.0.1:<port>`. */
  readonly target: string;
  /** Seed of the PRNG that decides which calls a rule hits. @default 1 */
  readonly seed?: number;
  /** Requests larger than this are answered 413, unforwarded. @default 8 MiB */
  readonly maxBodyBytes?: number;
  /** Bound on one forward to moto and on one hook. @default 30_000 */
  readonly timeoutMs?: number;
  /** Calls kept in {@link FaultProxy.log} (the oldest go first). @default 20_000 */
  readonly maxLog?: number;
  /** Actions whose request bodies the log keeps (e.g. `sns:Publish`). @default none */
  readonly captureBodies?: readonly string[];
  /**
   * Services whose calls are forwarded to moto one at a time, as AWS applies each call
   * atomically. moto's DynamoDB is not thread-safe: its threaded server checks an item's
   * condition and writes it without a lock (two conditional writes on one item that arrive at
   * the same instant can both succeed, where DynamoDB serializes writes to an item), and
   * concurrent transactions on other items have crashed it. Its EC2 backend is not either: a
   * describe while a create is under way fails with "dictionary changed size during iteration"
   * (an HTML 500 page instead of XML). Runs still interleave between calls, which is where the
   * races under test happen. @default ['dynamodb', 'ec2']
   */
  readonly serializeServices?: readonly string[];
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the code under test instead of moto's. */
  readonly endpoint: string;
  /** Calls seen by action, every attempt included (faulted ones too). */
  counts(): Record<string, number>;
  count(action: string): number;
  /** Faults injected, keyed `action fault`. */
  injected(): Record<string, number>;
  /** What happened to each call, in arrival order (bounded by `maxLog`). */
  log(): readonly CallRecord[];
  /** Replaces the fault rules. */
  setFaults(rules: readonly FaultRule[]): void;
  /** Adds a before-hook (kept until it has run `times` times or {@link clearFaults}). */
  before(hook: BeforeHook): void;
  /** No more faults and no more hooks: every call goes straight through. */
  clearFaults(): void;
  /** Forgets the counts and the log (rules and hooks stay). */
  resetCounts(): void;
  /** Stops accepting, waits for calls in flight (bounded), frees every socket. */
  close(): Promise<void>;
}

/** mulberry32: a small, seedable PRNG, so a run's fault sequence per action can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable 32-bit hash of a string (FNV-1a), to give each action its own PRNG stream. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

type Protocol = 'query' | 'json' | 'rest';

/** Which service and action a request is, from SigV4's scope, `X-Amz-Target` or `Action=`. */
export function decodeCall(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
): { service: string; action: string; protocol: Protocol; form?: URLSearchParams } {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    header(headers, 'authorization') ?? '',
  );
  const target = header(headers, 'x-amz-target');
  let service = scope?.[1];
  if (target) {
    const [prefix, operation] = target.split('.');
    service ??= prefix?.toLowerCase().startsWith('dynamodb') ? 'dynamodb' : prefix?.toLowerCase();
    return { service: service ?? 'unknown', action: `${service}:${operation}`, protocol: 'json' };
  }
  const contentType = header(headers, 'content-type') ?? '';
  const query = new URL(path, 'http://proxy').searchParams;
  const form = contentType.includes('application/x-www-form-urlencoded')
    ? new URLSearchParams(body)
    : undefined;
  const name = form?.get('Action') ?? query.get('Action');
  if (name) {
    return {
      service: service ?? 'unknown',
      action: `${service}:${name}`,
      protocol: 'query',
      ...(form ? { form } : {}),
    };
  }
  return { service: service ?? 'unknown', action: `${service}:${method}`, protocol: 'rest' };
}

interface Canned {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

function throttled(service: string, protocol: Protocol): Canned {
  const id = randomUUID();
  if (protocol === 'json') {
    return {
      status: 400,
      contentType: 'application/x-amz-json-1.0',
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
        message: 'Rate of requests exceeds the allowed throughput.',
      }),
    };
  }
  if (service === 'ec2') {
    return {
      status: 503,
      contentType: 'text/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
    };
  }
  if (protocol === 'rest') {
    return {
      status: 503,
      contentType: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>${id}</RequestId></Error>`,
    };
  }
  return {
    status: 400,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="http://${service}.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

function unavailable(service: string, protocol: Protocol): Canned {
  const id = randomUUID();
  if (protocol === 'json') {
    return {
      status: 503,
      contentType: 'application/x-amz-json-1.0',
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
        message: 'Service unavailable',
      }),
    };
  }
  if (service === 'ec2') {
    return {
      status: 503,
      contentType: 'text/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>Unavailable</Code><Message>The service is unavailable. Please try again shortly.</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
    };
  }
  return {
    status: 503,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

// Hop-by-hop headers are the proxy's own business on each leg.
/**
 * Starts the proxy on an ephemeral port of 127.0.0.1.
 *
 * @example
 * const proxy = await startFaultProxy({ target: motoEndpoint(), seed: 7 });
 * proxy.setFaults([{ actions: ['sns:Publish'], fault: 'throttle', rate: 0.3 }]);
 * // …code under test with endpoint proxy.endpoint…
 * proxy.count('ec2:RevokeSecurityGroupIngress');
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const seed = options.seed ?? 1;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxLog = options.maxLog ?? 20_000;
  const capture = new Set(options.captureBodies ?? []);
  const serialized = new Set(options.serializeServices ?? ['dynamodb', 'ec2']);
  const tails = new Map<string, Promise<unknown>>();
  /** Runs `work` once every earlier call of `service` has finished, if it is serialized. */
  const inTurn = <T>(service: string, work: () => Promise<T>): Promise<T> => {
    if (!serialized.has(service)) return work();
    const turn = (tails.get(service) ?? Promise.resolve()).then(work);
    tails.set(
      service,
      turn.then(
        () => undefined,
        () => undefined,
      ),
    );
    return turn;
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  let rules: { rule: FaultRule; used: number }[] = [];
  let hooks: { hook: BeforeHook; left: number }[] = [];
  const streams = new Map<string, () => number>();
  const counts = new Map<string, number>();
  const injected = new Map<string, number>();
  let log: CallRecord[] = [];
  let seq = 0;
  const inFlight = new Set<Promise<void>>();

  const draw = (action: string): number => {
    let stream = streams.get(action);
    if (!stream) {
      stream = prng(seed ^ hash(action));
      streams.set(action, stream);
    }
    return stream();
  };

  /** The fault for this call, if a rule hits it. One draw per matching rule, always. */
  const faultFor = (action: string): FaultKind | undefined => {
    for (const entry of rules) {
      if (!entry.rule.actions.includes(action)) continue;
      const hit = draw(action) < (entry.rule.rate ?? 1);
      if (!hit || (entry.rule.limit !== undefined && entry.used >= entry.rule.limit)) continue;
      entry.used += 1;
      return entry.rule.fault;
    }
    return undefined;
  };

  const remember = (record: CallRecord) => {
    log.push(record);
    if (log.length > maxLog) log = log.slice(log.length - maxLog);
  };

  const reply = (response: ServerResponse, canned: Canned) => {
    response.writeHead(canned.status, {
      'content-type': canned.contentType,
      'content-length': Buffer.byteLength(canned.body),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(canned.body);
  };

  const bounded = <T>(work: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what} took over ${timeoutMs} ms`)),
        timeoutMs,
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<ForwardedAnswer> =>
    bounded(
      forwardRequest(incoming, body, target, agent),
      `forwarding ${incoming.method} ${incoming.url}`,
    );

  const readBody = (incoming: IncomingMessage): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) tooLarge = true;
        else chunks.push(chunk);
      });
      incoming.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
      incoming.on('error', reject);
    });

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(incoming);
    if (!body) {
      response.writeHead(413, { 'content-type': 'text/plain' });
      response.end(`request body over ${maxBody} bytes`);
      return;
    }
    const text = body.toString('utf8');
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const decoded = decodeCall(method, path, incoming.headers, text);
    seq += 1;
    const call: ProxiedCall = {
      seq,
      action: decoded.action,
      service: decoded.service,
      method,
      path,
      body: text,
      ...(decoded.form ? { form: decoded.form } : {}),
    };
    counts.set(call.action, (counts.get(call.action) ?? 0) + 1);
    const captured = capture.has(call.action) ? { body: text } : {};

    for (const entry of hooks) {
      if (entry.left <= 0 || !entry.hook.actions.includes(call.action)) continue;
      entry.left -= 1;
      await bounded(entry.hook.run(call), `the before-hook on ${call.action}`);
    }
    hooks = hooks.filter((entry) => entry.left > 0);

    const fault = faultFor(call.action);
    if (fault) {
      const key = `${call.action} ${fault}`;
      injected.set(key, (injected.get(key) ?? 0) + 1);
    }
    if (fault === 'throttle') {
      const canned = throttled(decoded.service, decoded.protocol);
      remember({ seq: call.seq, action: call.action, status: canned.status, fault, ...captured });
      reply(response, canned);
      return;
    }
    const answer = await inTurn(decoded.service, () => forward(incoming, body));
    if (fault === 'apply-then-503') {
      const canned = unavailable(decoded.service, decoded.protocol);
      remember({ seq: call.seq, action: call.action, status: canned.status, fault, ...captured });
      reply(response, canned);
      return;
    }
    remember({ seq: call.seq, action: call.action, status: answer.status, ...captured });
    writeAnswer(response, answer);
  };

  const server = createServer((incoming, response) => {
    const work = handle(incoming, response).catch((error: unknown) => {
      // The proxy itself failed (moto gone, hook threw, timeout): a 502 the client can see.
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`fault proxy: ${(error as Error).message}`);
      } else response.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
    count: (action) => counts.get(action) ?? 0,
    injected: () => Object.fromEntries([...injected].sort(([a], [b]) => a.localeCompare(b))),
    log: () => [...log],
    setFaults: (next) => {
      rules = next.map((rule) => ({ rule, used: 0 }));
    },
    before: (hook) => {
      hooks.push({ hook, left: hook.times ?? 1 });
    },
    clearFaults: () => {
      rules = [];
      hooks = [];
    },
    resetCounts: () => {
      counts.clear();
      injected.clear();
      log = [];
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await bounded(Promise.allSettled([...inFlight]), 'calls in flight at close').catch(
        () => undefined,
      );
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}
