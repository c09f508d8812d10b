/**
 * A loopback proxy in front of moto that keeps every request of the code under test (signing
 * key, method, path, headers that name the action, body) with the status moto answered, so each
 * call can be turned into the IAM request(s) AWS would authorize for it.
 */
import { Agent, createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest, writeAnswer } from '../forward.js';

/** One HTTP request as the SDK sent it, and moto's status. */
export interface RecordedRequest {
  /** The SigV4 access key id (who signed). */
  readonly accessKeyId: string;
  /** Region and service of the SigV4 credential scope. */
  readonly region: string;
  readonly service: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly target?: string;
  readonly contentType?: string;
  readonly body: string;
  readonly status: number;
  /** moto's answer, kept only for STS (whose AssumeRole answer says which keys act where). */
  readonly response?: string;
  /** Answered by the recorder's {@link AnswerInstead} hook: moto never saw it. */
  readonly answeredInstead?: true;
}

/** A request as it arrives, before anyone answered it. */
export type PendingRequest = Omit<RecordedRequest, 'status' | 'response' | 'answeredInstead'>;

/** An HTTP answer the recorder gives in moto's place. */
export interface CannedAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Answers a request before moto sees it (`undefined`: forward it): what AWS answers where moto
 * cannot, e.g. an SCP's AccessDenied (moto evaluates no SCP), named in MOTO_NOTES.md.
 */
export type AnswerInstead = (
  request: PendingRequest,
) => CannedAnswer | undefined | Promise<CannedAnswer | undefined>;

/** A running recorder. */
export interface RequestRecorder {
  /** Give this to the code under test as its endpoint. */
  readonly endpoint: string;
  /** What was sent since the last {@link RequestRecorder.clear}. */
  requests(): readonly RecordedRequest[];
  /** Installs (or, without a hook, removes) the {@link AnswerInstead} hook. */
  answerInstead(hook?: AnswerInstead): void;
  clear(): void;
  close(): Promise<void>;
}

const one = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Starts the recorder on an ephemeral loopback port, forwarding to `target` (moto). */
export async function startRecorder(target: string): Promise<RequestRecorder> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let log: RecordedRequest[] = [];
  let hook: AnswerInstead | undefined;

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks);
      const scope =
        /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
          one(incoming.headers, 'authorization') ?? '',
        ) ?? [];
      const target = one(incoming.headers, 'x-amz-target');
      const contentType = one(incoming.headers, 'content-type');
      const pending: PendingRequest = {
        accessKeyId: scope[1] ?? '',
        region: scope[2] ?? '',
        service: scope[3] ?? '',
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        ...(target ? { target } : {}),
        ...(contentType ? { contentType } : {}),
        body: body.toString('utf8'),
      };
      let instead: CannedAnswer | undefined;
      try {
        instead = await hook?.(pending);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`recorder hook: ${(error as Error).message}`);
        return;
      }
      if (instead) {
        log.push({ ...pending, status: instead.status, answeredInstead: true });
        response.writeHead(instead.status, {
          'content-type': instead.contentType,
          'content-length': String(Buffer.byteLength(instead.body)),
        });
        response.end(instead.body);
        return;
      }
      try {
        const answer = await forwardRequest(incoming, body, upstream, agent, 30_000);
        log.push({
          ...pending,
          status: answer.status,
          ...(scope[3] === 'sts' ? { response: answer.body.toString('utf8') } : {}),
        });
        writeAnswer(response, answer);
      } catch (error) {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`recorder: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => [...log],
    answerInstead: (next) => {
      hook = next;
    },
    clear: () => {
      log = [];
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}
