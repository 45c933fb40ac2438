import type { Orm } from '../../db/orm.ts';

export interface RetentionRule {
  table: string;
  column: string;
  days: number;
}

export interface PrunedTable {
  table: string;
  deleted: number;
  /** False when the table does not exist in this database (a rule for a feature not deployed here). */
  exists: boolean;
}

const DAY_MS = 86_400_000;

async function tableExists(orm: Orm, table: string): Promise<boolean> {
  const connection = orm.em.getConnection();
  const sql =
    kindOf(orm) === 'sqlite'
      ? "select 1 from sqlite_master where type = 'table' and name = ?"
      : 'select 1 from information_schema.tables where table_schema = current_schema() and table_name = ?';
  const rows = (await connection.execute(sql, [table])) as unknown[];
  return rows.length > 0;
}

/** Which database this ORM talks to: PostgreSQL is opened with a client URL, SQLite with a file name. */
export function kindOf(orm: Orm): 'sqlite' | 'postgresql' {
  return orm.config.get('clientUrl') ? 'postgresql' : 'sqlite';
}

/**
 * Deletes the rule's rows older than `days` by its column, `batchSize` at a time, each batch its own statement (and so
 * its own short transaction): writers wait at most one batch. `onBatch` runs after each (the activity heartbeats there).
 */
export async function pruneTable(orm: Orm, rule: RetentionRule, batchSize: number, now: Date, onBatch: () => void = () => undefined): Promise<PrunedTable> {
  if (!(await tableExists(orm, rule.table))) return { table: rule.table, deleted: 0, exists: false };
  const cutoff = new Date(now.getTime() - rule.days * DAY_MS);
  // Identifiers are checked by the config schema (lower-case SQL identifiers only); values are bound.
  const sql =
    kindOf(orm) === 'sqlite'
      ? `delete from "${rule.table}" where rowid in (select rowid from "${rule.table}" where "${rule.column}" < ? limit ?)`
      : `delete from "${rule.table}" where ctid = any(array(select ctid from "${rule.table}" where "${rule.column}" < ? limit ?))`;
  let deleted = 0;
  for (;;) {
    const result = (await orm.em.getConnection().execute(sql, [cutoff, batchSize], 'run')) as { affectedRows?: number; rowCount?: number };
    const batch = Number(result.affectedRows ?? result.rowCount ?? 0);
    deleted += batch;
    onBatch();
    if (batch < batchSize) return { table: rule.table, deleted, exists: true };
  }
}

/**
 * Refreshes the planner's statistics and returns free pages where the database can do that without a long lock:
 * SQLite `PRAGMA optimize` and an incremental vacuum (when auto_vacuum is incremental); PostgreSQL `VACUUM (ANALYZE)` of
 * the tables, which must run outside a transaction and takes no exclusive lock.
 */
export async function optimizeDatabase(orm: Orm, tables: string[]): Promise<string[]> {
  const connection = orm.em.getConnection();
  const done: string[] = [];
  if (kindOf(orm) === 'sqlite') {
    await connection.execute('pragma optimize');
    done.push('pragma optimize');
    const [mode] = (await connection.execute('pragma auto_vacuum')) as { auto_vacuum: number }[];
    // 2 is INCREMENTAL; a database created before Keel set it stays without (a full VACUUM would lock it).
    if (mode?.auto_vacuum === 2) {
      await connection.execute('pragma incremental_vacuum', [], 'run');
      done.push('pragma incremental_vacuum');
    }
    return done;
  }
  const present: string[] = [];
  for (const table of tables) if (await tableExists(orm, table)) present.push(table);
  if (present.length) {
    // Outside any transaction: the connection's own statement, autocommitted.
    await connection.execute(`vacuum (analyze) ${present.map((table) => `"${table}"`).join(', ')}`, [], 'run');
    done.push(`vacuum (analyze) ${present.join(', ')}`);
  }
  return done;
}
