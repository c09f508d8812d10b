import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadGate } from '../../src/load-gate.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((incoming, answer) => {
    incoming.resume();
    incoming.on('end', () => answer.end('ok'));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
});

/** A POST to the local server; `written` is stamped in `events` when its body is out. */
function post(events: string[], name: string, to = port): Promise<void> {
  return new Promise((done) => {
    const outgoing = request({ host: '127.0.0.1', port: to, method: 'POST', path: '/' }, (res) => {
      res.resume();
      res.on('end', () => done());
    });
    outgoing.on('finish', () => events.push(`${name} written`));
    outgoing.on('error', () => {
      events.push(`${name} failed`);
      done();
    });
    outgoing.end('{"Action":"DescribeSecurityGroupRules"}');
  });
}

const load = (events: string[]) => async () => {
  events.push('loaded');
  return 'adapter';
};

describe('LoadGate', () => {
  it('not armed, runs a load at once', async () => {
    // Prepare
    const events: string[] = [];

    // Act
    const result = await new LoadGate().after(load(events));

    // Assess
    expect(result).toBe('adapter');
    expect(events).toEqual(['loaded']);
  });

  it('armed, holds a load asked for before the request started until the request is written', async () => {
    // Prepare
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(10_000);

    // Act: the load is asked for first, as the mode map is beside the describe
    const loading = gate.after(load(events));
    const answered = post(events, 'describe');
    await loading;
    await answered;

    // Assess
    expect(events.indexOf('describe written')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('loaded')).toBeGreaterThan(events.indexOf('describe written'));
  });

  it('waits for every request started in the same turn', async () => {
    // Prepare
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(10_000);

    // Act: the group's two describes
    const loading = gate.after(load(events));
    const answered = [post(events, 'rules'), post(events, 'group')];
    await loading;
    await Promise.all(answered);

    // Assess
    const loadedAt = events.indexOf('loaded');
    expect(loadedAt).toBeGreaterThan(events.indexOf('rules written'));
    expect(loadedAt).toBeGreaterThan(events.indexOf('group written'));
  });

  it('waits for a request started in the turn the one before it was written', async () => {
    // Prepare
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(10_000);
    let second: Promise<void> | undefined;

    // Act
    const loading = gate.after(load(events));
    const first = new Promise<void>((done) => {
      const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
        res.resume();
        res.on('end', () => done());
      });
      outgoing.on('finish', () => {
        events.push('rules written');
        second = post(events, 'group');
      });
      outgoing.end('{}');
    });
    await loading;
    await first;
    await second;

    // Assess
    expect(events.indexOf('loaded')).toBeGreaterThan(events.indexOf('group written'));
  });

  it('opens when a request fails before it is written', async () => {
    // Prepare: a port nothing listens on
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(10_000);

    // Act
    const loading = gate.after(load(events));
    await post(events, 'describe', deadPort);
    await loading;

    // Assess: long before the fallback
    expect(events).toEqual(['describe failed', 'loaded']);
  });

  it('opens after its fallback when no request starts (an event rejected before any call)', async () => {
    // Prepare
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(30);

    // Act
    const started = performance.now();
    await gate.after(load(events));

    // Assess
    expect(events).toEqual(['loaded']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('is armed once: later invocations do not shut it again', async () => {
    // Prepare
    const events: string[] = [];
    const gate = new LoadGate();
    gate.arm(10_000);
    const first = gate.after(load(events));
    await post(events, 'describe');
    await first;

    // Act
    gate.arm(10_000);
    const later = await Promise.race([
      gate.after(async () => 'at once'),
      new Promise((late) => setTimeout(() => late('held'), 1_000)),
    ]);

    // Assess
    expect(later).toBe('at once');
  });
});
