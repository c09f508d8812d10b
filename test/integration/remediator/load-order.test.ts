/**
 * A cold container's first remediation, wired as `handler.ts` wires it: the deferred chunks load
 * only once the group's describes are written (the load gate), the mode map's first, and its
 * GetObject goes out before the rest has loaded.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { openSsh } from '@sg-guard/emulator';
import type { InvocationSummary } from '@sg-guard/remediator/app';
import { describe, expect, it, vi } from 'vitest';
import { directEvent } from '../../support/events.js';
import { coldStart } from '../../support/remediator.js';
import { buildWorld } from '../../support/world.js';

const order = vi.hoisted(() => [] as string[]);

vi.mock('../../../apps/remediator/src/mode-map-use.js', async (importOriginal) => {
  order.push('mode map chunk');
  return importOriginal();
});
vi.mock('../../../apps/remediator/src/first-use.js', async (importOriginal) => {
  order.push('ledger, notices and Powertools chunk');
  return importOriginal();
});

/** Every HTTP request of the process, by the moment it is written to its socket. */
function recordWrites(): () => void {
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    request.once('finish', () => order.push(`${request.method} written`));
  };
  subscribe('http.client.request.start', onStart);
  return () => unsubscribe('http.client.request.start', onStart);
}

describe('a cold container', () => {
  it('writes its describes before it loads a deferred chunk, and its GetObject before the rest', async () => {
    // Prepare
    const world = await buildWorld();
    const opened = await openSsh(world.account('enforced').ec2(), 'tcp-all-ports-world');
    const remediator = await coldStart(world, { account: 'enforced' });
    order.length = 0;

    // Act
    const stop = recordWrites();
    let summary: InvocationSummary;
    try {
      summary = (await remediator.invoke(directEvent(opened.groupId))) as InvocationSummary;
    } finally {
      stop();
    }

    // Assess: two describes (POST), then the mode map, its GetObject, then the rest
    expect(summary.outcomes.map((outcome) => outcome.outcome)).toEqual(['remediated']);
    const modeMap = order.indexOf('mode map chunk');
    expect(order.slice(0, 2)).toEqual(['POST written', 'POST written']);
    expect(modeMap).toBe(2);
    expect(order.indexOf('GET written')).toBeGreaterThan(modeMap);
    expect(order.indexOf('ledger, notices and Powertools chunk')).toBeGreaterThan(modeMap);
  });
});
