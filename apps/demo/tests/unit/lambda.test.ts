import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoTelemetry, QuietMetrics } from '../../src/lambda.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('demo telemetry', () => {
  it('records metrics but writes none out, single metrics included', () => {
    // Prepare
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const metrics = new QuietMetrics({ namespace: 'sg-guard', serviceName: 'remediator' });

    // Act
    metrics.addMetric('remediations', MetricUnit.Count, 1);
    const stored = metrics.hasStoredMetrics();
    metrics.publishStoredMetrics();
    metrics.singleMetric().addMetric('ignoredEvents', MetricUnit.Count, 1);

    // Assess
    expect(stored).toBe(true);
    expect(metrics.hasStoredMetrics()).toBe(false);
    expect(write).not.toHaveBeenCalled();
  });

  it('hands the functions a silent logger and quiet metrics, or nothing with --lambda-logs', () => {
    // Act
    const quiet = demoTelemetry(false);
    const loud = demoTelemetry(true);

    // Assess
    expect(quiet.metrics).toBeInstanceOf(QuietMetrics);
    expect(quiet.logger?.getLevelName()).toBe('SILENT');
    expect(loud).toEqual({});
  });
});
