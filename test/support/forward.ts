/**
 * Forwarding one HTTP request to moto and one answer back: what the test proxies in front of
 * moto (the fault proxy, the IAM suite's request recorder) share.
 */
import {
  type Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';

/** Headers about the one hop, never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection']);

/** An answer as moto gave it, whole. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** `headers` without the hop-by-hop ones, with the `content-length` of `body`. */
function passedOn(headers: IncomingHttpHeaders, body: Buffer): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  kept['content-length'] = String(body.length);
  return kept;
}

/**
 * Sends `incoming` (its method, path and headers) with `body` to `target` and reads the whole
 * answer; rejects when the connection fails or (with `timeoutMs`) the answer takes longer.
 *
 * @example
 * const answer = await forwardRequest(incoming, body, new URL(motoEndpoint), agent);
 * writeAnswer(response, answer);
 */
export function forwardRequest(
  incoming: IncomingMessage,
  body: Buffer,
  target: URL,
  agent: Agent,
  timeoutMs?: number,
): Promise<ForwardedAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: passedOn(incoming.headers, body),
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 502,
            headers: answer.headers,
            body: Buffer.concat(chunks),
          }),
        );
        answer.on('error', reject);
      },
    );
    if (timeoutMs !== undefined) {
      outgoing.setTimeout(timeoutMs, () =>
        outgoing.destroy(new Error(`moto took over ${timeoutMs} ms`)),
      );
    }
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Writes `answer` to `response`, without the hop-by-hop headers. */
export function writeAnswer(response: ServerResponse, answer: ForwardedAnswer): void {
  response.writeHead(answer.status, passedOn(answer.headers, answer.body));
  response.end(answer.body);
}
