import type { EventEmitter } from 'node:events';

/** What this needs of a `pg` pool client and pool (pg ships no types, and is MikroORM's dependency, not Keel's). */
interface PoolClient extends EventEmitter {
  release(error?: Error): void;
}
interface Pool {
  on(event: 'acquire', listener: (client: PoolClient) => void): unknown;
  on(event: 'release', listener: (error: Error | undefined, client: PoolClient) => void): unknown;
}

/** How long a client the server dropped may stay checked out before the pool takes it back: its holder had its error long before. */
const GRACE_MS = 2_000;

/**
 * Gives the pool back every client whose connection ended while it was checked out and that nobody released.
 * Kysely releases a transaction's connection only after its COMMIT or ROLLBACK succeeds, and on a connection the server
 * dropped neither can: without this, each transaction in flight during a PostgreSQL outage keeps a pool slot for good,
 * the pool shrinks by one each time, and `orm.close()` (pool.end) never returns.
 */
export function releaseDroppedClients(pool: Pool): void {
  const pending = new WeakMap<PoolClient, () => void>();
  pool.on('acquire', (client) => {
    const onEnd = () => {
      const timer = setTimeout(() => {
        if (pending.get(client) !== onEnd) return;
        pending.delete(client);
        client.release(new Error('the connection ended while checked out, and its holder never released it'));
      }, GRACE_MS);
      timer.unref();
    };
    pending.set(client, onEnd);
    client.once('end', onEnd);
  });
  pool.on('release', (_error, client) => {
    const onEnd = pending.get(client);
    if (!onEnd) return;
    pending.delete(client);
    client.removeListener('end', onEnd);
  });
}
