import { describe, expect, it } from 'vitest';
import { runHealthChecks, type HealthCheck } from '../../lib/health.ts';

const passing = (name: string, critical = true): HealthCheck => ({ name, critical, run: () => Promise.resolve() });
const failing = (name: string, critical = true): HealthCheck => ({ name, critical, run: () => Promise.reject(new Error(`${name} down`)) });

describe('runHealthChecks', () => {
  it('passes when every check passes, with a response time', async () => {
    const report = await runHealthChecks([passing('database'), passing('temporal', false)]);
    expect(report.status).toBe('pass');
    expect(report.checks.database![0]).toMatchObject({ status: 'pass', observedUnit: 'ms' });
  });

  it('warns when only a non-critical check fails', async () => {
    const report = await runHealthChecks([passing('database'), failing('temporal', false)]);
    expect(report.status).toBe('warn');
    expect(report.checks.temporal![0]).toMatchObject({ status: 'warn', output: 'temporal down' });
  });

  it('fails when a critical check fails', async () => {
    const report = await runHealthChecks([failing('database'), failing('temporal', false)]);
    expect(report.status).toBe('fail');
    expect(report.checks.database![0]).toMatchObject({ status: 'fail', output: 'database down' });
  });
});
