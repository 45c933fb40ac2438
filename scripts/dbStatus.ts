import { initORM } from '../db/orm.ts';
import { loadConfigOrExit } from '../lib/cli.ts';

// `npm run db:status`: which migrations the database DB_URL names has, and which are pending.
const config = loadConfigOrExit();
const orm = await initORM(config.db);
const executed = await orm.migrator.getExecuted();
const pending = await orm.migrator.getPending();
for (const migration of executed) console.log(`applied  ${migration.name}`);
for (const migration of pending) console.log(`pending  ${migration.name}`);
console.log(pending.length ? `${pending.length} pending: run npm run db:migrate` : 'up to date');
await orm.close();
process.exitCode = pending.length ? 1 : 0;
