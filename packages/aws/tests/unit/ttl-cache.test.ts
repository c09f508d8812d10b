import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/ttl-cache.js';

function clock(start = 0) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('TtlCache', () => {
  it('shares one read between concurrent callers of a key', async () => {
    const time = clock();
    const cache = new TtlCache<number>(1000, time.now);
    let reads = 0;
    const load = async () => ++reads;
    const [first, second] = await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect([first, second, reads]).toEqual([1, 1, 1]);
  });

  it('reads a key again once its TTL has passed, and each key apart', async () => {
    const time = clock();
    const cache = new TtlCache<string>(1000, time.now);
    let reads = 0;
    const load = (key: string) => async () => `${key}${++reads}`;
    expect(await cache.get('a', load('a'))).toBe('a1');
    expect(await cache.get('b', load('b'))).toBe('b2');
    time.advance(999);
    expect(await cache.get('a', load('a'))).toBe('a1');
    time.advance(1);
    expect(await cache.get('a', load('a'))).toBe('a3');
  });

  it('forgets a failed read, so the next caller reads again', async () => {
    const time = clock();
    const cache = new TtlCache<string>(1000, time.now);
    await expect(
      cache.get('a', async () => Promise.reject(new Error('throttled'))),
    ).rejects.toThrow('throttled');
    expect(await cache.get('a', async () => 'ok')).toBe('ok');
  });

  it('keeps a newer read when an expired one fails after it', async () => {
    const time = clock();
    const cache = new TtlCache<string>(1000, time.now);
    let fail: (error: Error) => void = () => undefined;
    const old = cache.get('a', () => new Promise<string>((_, reject) => (fail = reject)));
    time.advance(1000);
    const fresh = cache.get('a', async () => 'fresh');
    fail(new Error('late'));
    await expect(old).rejects.toThrow('late');
    expect(await cache.get('a', async () => 'again')).toBe('fresh');
    expect(await fresh).toBe('fresh');
  });
});
