export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  status: HealthStatus;
  time: string;
  observedValue?: number;
  observedUnit?: string;
  output?: string;
}

export interface HealthCheck {
  name: string;
  /** A failing critical check fails the whole service; a failing non-critical one only warns. */
  critical: boolean;
  run(): Promise<void>;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, CheckResult[]>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** Runs the checks side by side, each with a deadline, into an `application/health+json` report. */
export async function runHealthChecks(checks: HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(checks.map(async (check) => ({ check, result: await timed(check) })));
  let status: HealthStatus = 'pass';
  for (const { check, result } of results) {
    if (result.status === 'pass') continue;
    if (check.critical) status = 'fail';
    else if (status === 'pass') status = 'warn';
  }
  const report: HealthReport = { status, checks: {} };
  for (const { check, result } of results) {
    report.checks[check.name] = [check.critical || result.status === 'pass' ? result : { ...result, status: 'warn' }];
  }
  return report;
}

async function timed(check: HealthCheck): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'pass', time: new Date().toISOString(), observedValue: Math.round(performance.now() - started), observedUnit: 'ms' };
  } catch (error) {
    return { status: 'fail', time: new Date().toISOString(), output: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
