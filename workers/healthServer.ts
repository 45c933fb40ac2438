import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { runHealthChecks, type HealthCheck } from '../lib/health.ts';

const HEALTH_JSON = { 'content-type': 'application/health+json', 'cache-control': 'no-store' };

export interface WorkerHealthServer {
  url: string;
  close(): Promise<void>;
}

/** A worker process's own GET /health/live (the process answers) and /health/ready (every check passes), as the API spells them. */
export async function startWorkerHealthServer(options: { host: string; port: number; ready: HealthCheck[] }): Promise<WorkerHealthServer> {
  const app = new Hono()
    .get('/health/live', () => new Response(JSON.stringify({ status: 'pass' }), { headers: HEALTH_JSON }))
    .get('/health/ready', async () => {
      const report = await runHealthChecks(options.ready);
      return new Response(JSON.stringify(report), { status: report.status === 'fail' ? 503 : 200, headers: HEALTH_JSON });
    });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
