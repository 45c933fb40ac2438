import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/freePort.ts';
import { isTemporalReachable } from '../../scripts/temporalDevServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually } from '../helpers/platform.ts';

// What `npm start` runs, as a real process tree: its own dev server, a worker process, the API; SIGTERM stops all.
describe('scripts/start.ts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-start-'));
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the platform, runs a job, and stops cleanly on SIGTERM', async () => {
    const [apiPort, temporalPort, uiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'start.ts')], {
      env: { ...process.env, APP_ENV: 'development', DATA_DIR: dataDir, API_PORT: String(apiPort), TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(uiPort), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    await eventually(() => Promise.resolve(output.includes('Ctrl-C stops everything.') || undefined), { timeoutMs: 90_000 });
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    expect(output).toContain(`API           http://127.0.0.1:${apiPort}`);
    expect(output).toContain(`Temporal UI   http://127.0.0.1:${uiPort}`);
    expect(output).toContain(`Admin API key ${key}`);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

    const api = `http://127.0.0.1:${apiPort}`;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created: any = await (
      await fetch(`${api}/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify(priceAlertJob({ task_params: { condition: 'above', value: 1 } })),
      })
    ).json();
    const trigger: any = await (await fetch(`${api}/jobs/${created.id}/trigger`, { method: 'POST', headers })).json();
    const run = await eventually(async () => {
      const body: any = await (await fetch(`${api}/runs/${trigger.run_id}`, { headers })).json();
      return body.status === 'COMPLETED' ? body : undefined;
    });
    expect(run.worker_id).toMatch(/^alerts@/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await isTemporalReachable(temporalAddress)).toBe(false);
    await expect(fetch(`${api}/health/live`)).rejects.toThrow();
  }, 150_000);
});
