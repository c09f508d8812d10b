import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/concurrency.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createLimiter', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in the order they came', async () => {
    // Prepare
    const limit = createLimiter(2);
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      await tick();
      inFlight -= 1;
      return n * 10;
    };

    // Act
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limit(task(n))));

    // Assess
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it('frees the slot of a task that throws, and rejects with its error', async () => {
    // Prepare
    const limit = createLimiter(1);
    const failure = new Error('boom');

    // Act
    const failed = limit(async () => {
      await tick();
      throw failure;
    });
    const next = limit(async () => 'ran');

    // Assess
    await expect(failed).rejects.toBe(failure);
    await expect(next).resolves.toBe('ran');
  });

  it('refuses a limit that would never run anything or is not a whole number', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
    expect(() => createLimiter(Number.NaN)).toThrow(RangeError);
  });
});
