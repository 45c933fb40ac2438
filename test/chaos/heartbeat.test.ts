import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/freePort.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const WORKER_ENTRY = join(import.meta.dirname, '..', '..', 'workers', 'main.ts');

// A worker killed mid-activity: its heartbeats stop, and the activity is retried on another worker within seconds, not after start-to-close (15 s).
describe('activity heartbeats', () => {
  const workers: ChildProcess[] = [];
  const priceRequests: number[] = [];
  let exchange: LoopbackServer;
  let platform: TestPlatform;

  beforeAll(async () => {
    // A Binance-style price endpoint: the first request never gets an answer (its worker dies holding it); later ones are answered at once.
    exchange = await startLoopbackServer((_req, _body, res) => {
      priceRequests.push(Date.now());
      if (priceRequests.length > 1) sendJson(res, 200, { symbol: 'BTCUSDT', price: '50000.00' });
    });
    platform = await startTestPlatform({ db: 'sqlite', env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: exchange.url } });
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await platform?.close();
    await exchange?.close();
  });

  /** A real worker process for `alerts` on this platform's database and namespace; resolves with its health URL once it is ready. */
  const startWorker = async () => {
    const port = await findFreePort();
    const { config } = platform;
    const worker = spawn(process.execPath, [WORKER_ENTRY, '--queue', 'alerts'], {
      env: {
        ...process.env,
        APP_ENV: 'test',
        CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config'),
        DATA_DIR: config.data_dir,
        DB_URL: config.db.url,
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_NAMESPACE: config.temporal.namespace,
        MARKET_DATA_PROVIDER: 'binance',
        MARKET_DATA_BASE_URL: config.market_data.base_url,
        WORKER_HEALTH_PORT: String(port),
      },
      stdio: 'inherit',
    });
    workers.push(worker);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 90_000 });
    return { worker, url };
  };

  it('serves its own /health/live and /health/ready', async () => {
    const { url } = await startWorker();
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.headers.get('content-type')).toBe('application/health+json');
    expect(await ready.json()).toMatchObject({ status: 'pass', checks: { database: [{ status: 'pass' }], temporal: [{ status: 'pass' }], worker: [{ status: 'pass' }] } });
  }, 120_000);

  it('retries the activity of a worker killed with SIGKILL on another worker within seconds', async () => {
    while (workers.length < 2) await startWorker();
    const created = await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 } }));
    const trigger = await platform.api('POST', `/jobs/${created.body.id}/trigger`);
    await eventually(() => Promise.resolve(priceRequests.length > 0 || undefined));
    // The server knows which worker holds the activity.
    const holder = await eventually(async () => {
      const description = await platform.temporal.client.workflowService.describeWorkflowExecution({
        namespace: platform.temporal.namespace,
        execution: { workflowId: trigger.body.workflow_id },
      });
      return description.pendingActivities[0]?.lastWorkerIdentity ?? undefined;
    });
    const victim = workers.find((worker) => holder.endsWith(`:${worker.pid}`))!;

    const killedAt = Date.now();
    victim.kill('SIGKILL');
    await eventually(() => Promise.resolve(priceRequests.length > 1 || undefined), { timeoutMs: 30_000, intervalMs: 100 });
    // Heartbeat timeout (5 s) plus the first retry's 1 s; without heartbeats it is start-to-close: 15 s after the attempt began.
    expect(priceRequests[1]! - killedAt).toBeLessThan(10_000);
    await eventually(async () => {
      const run = await platform.api('GET', `/runs/${trigger.body.run_id}`);
      return run.body.status === 'COMPLETED' ? run.body : undefined;
    }, { timeoutMs: 60_000 });
  }, 150_000);
});
