import { describe, expect, it } from 'vitest';
import { deferredPort } from '../../src/deferred.js';

interface Counter {
  add(by: number): Promise<number>;
  total(): Promise<number>;
}

class MemoryCounter implements Counter {
  private sum = 0;
  async add(by: number) {
    this.sum += by;
    return this.sum;
  }
  async total() {
    return this.sum;
  }
}

const METHODS = { add: true, total: true } as const;

describe('deferredPort', () => {
  it('loads the adapter on the first call, once, and forwards every call to it with its this', async () => {
    // Prepare
    let loads = 0;
    const counter = deferredPort<Counter>(METHODS, async () => {
      loads += 1;
      return new MemoryCounter();
    });

    // Act
    const before = loads;
    const results = await Promise.all([counter.port.add(2), counter.port.add(3)]);

    // Assess
    expect(before).toBe(0);
    expect(loads).toBe(1);
    expect(results.sort()).toEqual([2, 5]);
    expect(await counter.port.total()).toBe(5);
  });

  it('preload starts the load without a call, and the calls then use that load', async () => {
    // Prepare
    let loads = 0;
    const counter = deferredPort<Counter>(METHODS, async () => {
      loads += 1;
      return new MemoryCounter();
    });

    // Act
    counter.preload();
    counter.preload();
    await counter.port.add(1);

    // Assess
    expect(loads).toBe(1);
  });

  it('a failed load fails the call that waited for it and is tried again by the next one', async () => {
    // Prepare
    let loads = 0;
    const counter = deferredPort<Counter>(METHODS, async () => {
      loads += 1;
      if (loads === 1) throw new Error('import failed');
      return new MemoryCounter();
    });

    // Act
    counter.preload(); // its failure is not thrown, and not unhandled
    const first = counter.port.add(1);

    // Assess
    await expect(first).rejects.toThrow('import failed');
    expect(await counter.port.add(4)).toBe(4);
    expect(loads).toBe(2);
  });

  it('preload resolves once the adapter is loaded, and resolves too when the load fails', async () => {
    // Prepare
    let fail = true;
    let loaded = false;
    const counter = deferredPort<Counter>(METHODS, async () => {
      if (fail) throw new Error('import failed');
      loaded = true;
      return new MemoryCounter();
    });

    // Act
    const failed = await counter.preload();
    fail = false;
    await counter.preload();

    // Assess
    expect(failed).toBeUndefined();
    expect(loaded).toBe(true);
  });

  it('an error of the adapter reaches the caller unchanged', async () => {
    // Prepare
    const failure = new TypeError('denied');
    const counter = deferredPort<Counter>(METHODS, async () => ({
      add: async () => {
        throw failure;
      },
      total: async () => 0,
    }));

    // Assess
    await expect(counter.port.add(1)).rejects.toBe(failure);
  });
});
