import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Instruments, RemediatorTelemetry } from '../../src/telemetry.js';
import { type Captured, captureStdout } from './capture.js';

describe('telemetry loaded on first use', () => {
  let out: Captured | undefined;
  afterEach(() => out?.restore());

  it('writes the calls made before Powertools is loaded, in order, when flushed', async () => {
    out = captureStdout();
    const telemetry = createTelemetry({ region: 'eu-west-1' });
    telemetry.setAccount('123456789012');
    telemetry.rejectedEvent({ not: 'an event' }, new Error('unsupported'));
    telemetry.foreignFinding({ trigger: 'cloudtrail', groupId: 'sg-1' }, 'another account');
    // Nothing is written synchronously: the import has only started.
    expect(out.entries).toEqual([]);

    await telemetry.flush();

    const logs = out.logs();
    expect(logs.map((line) => line.message)).toEqual(['event rejected', 'finding ignored']);
    // Keys set before the load reach every line: the region at creation, the account later.
    for (const line of logs)
      expect(line).toMatchObject({ region: 'eu-west-1', account: '123456789012' });
    expect(out.metrics()).toEqual({ ignoredEvents: 2 });
  });

  it('writes at once once loaded', async () => {
    out = captureStdout();
    const telemetry = createTelemetry({ region: 'eu-west-1' });
    await telemetry.flush();
    telemetry.foreignFinding({ trigger: 'cloudtrail', groupId: 'sg-1' }, 'another region');
    expect(out.logs().map((line) => line.message)).toEqual(['finding ignored']);
  });

  it('fails the flush when Powertools cannot be imported, and tries again on the next', async () => {
    let loads = 0;
    const instruments: Instruments = {
      logger: new Logger({ serviceName: 'remediator', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'sg-guard', serviceName: 'remediator' }),
    };
    const telemetry = new RemediatorTelemetry(async () => {
      loads += 1;
      if (loads === 1) throw new Error('Cannot find module @aws-lambda-powertools/logger');
      return instruments;
    });
    telemetry.count('findings');
    await expect(telemetry.flush()).rejects.toThrow('Cannot find module');
    out = captureStdout();
    await telemetry.flush();
    expect(loads).toBe(2);
    // The call kept waiting through the failed load and is made by the one that worked.
    expect(out.metrics()).toEqual({ findings: 1 });
  });

  it('uses injected instruments as they are, without importing anything', async () => {
    out = captureStdout();
    const logger = new Logger({ serviceName: 'remediator' });
    const metrics = new Metrics({ namespace: 'sg-guard', serviceName: 'remediator' });
    const telemetry = createTelemetry({ region: 'eu-west-1', logger, metrics });
    telemetry.foreignFinding({ trigger: 'cloudtrail', groupId: 'sg-1' }, 'another region');
    // Synchronous: no import to wait for.
    expect(out.logs()).toHaveLength(1);
  });
});
