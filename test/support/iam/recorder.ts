/**
 * A loopback proxy in front of moto that keeps every request of the code under test (signing
 * key, method, path, headers that name the action, body) with the status moto answered, so each
 * call can be turned into the IAM request(s) AWS would authorize for it.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection']);

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
      const headers = { ...incoming.headers };
      for (const name of HOP_BY_HOP) delete headers[name];
      headers['content-length'] = String(body.length);
      const outgoing = httpRequest(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            log.push({
              ...pending,
              status: answer.statusCode ?? 502,
              ...(scope[3] === 'sts' ? { response: Buffer.concat(parts).toString('utf8') } : {}),
            });
            const out = Buffer.concat(parts);
            const back = { ...answer.headers };
            for (const name of HOP_BY_HOP) delete back[name];
            back['content-length'] = String(out.length);
            response.writeHead(answer.statusCode ?? 502, back);
            response.end(out);
          });
        },
      );
      outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('moto took over 30 s')));
      outgoing.on('error', (error) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`recorder: ${error.message}`);
      });
      outgoing.end(body);
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
