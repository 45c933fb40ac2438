import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initORM, migrate, type DatabaseKind } from '../db/orm.ts';
import { startPostgres } from './postgres.ts';

// `npm run db:migration:create -- <name>`: writes db/migrations/Migration<date>_<name>.ts with the SQL that takes each
// database from the registered migrations to the entities (migrated throw-away databases are diffed), then says what
// to register in db/migrations/index.ts.

const name = process.argv[2];
if (!name || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
  console.error('usage: npm run db:migration:create -- <camelCaseName>');
  process.exit(2);
}

/** The statements that bring a freshly migrated database of the URL to the entities. */
async function pendingSchemaChanges(url: string): Promise<string[]> {
  const orm = await initORM({ url });
  try {
    await migrate(orm);
    return (await orm.schema.getUpdateSchemaSQL({ wrap: false })).split('\n').filter((line) => line.trim() !== '');
  } finally {
    await orm.close();
  }
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'keel-migration-'));
const postgres = await startPostgres();
let changes: Record<DatabaseKind, string[]>;
try {
  changes = { sqlite: await pendingSchemaChanges(`sqlite:${join(sqliteDir, 'keel.db')}`), postgresql: await pendingSchemaChanges(postgres.url) };
} finally {
  await postgres.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
}

if (!changes.sqlite.length && !changes.postgresql.length) {
  console.log('the migrations already match the entities: nothing to write');
  process.exit(0);
}

const className = name[0]!.toUpperCase() + name.slice(1);
const fileName = `Migration${new Date().toISOString().slice(0, 10).replaceAll('-', '')}_${name}`;
const statements = (lines: string[]) => lines.map((line) => `    this.addSql(${JSON.stringify(line)});`).join('\n');
const migrationClass = (dialect: string, lines: string[]) => `/** TODO: say why. Generated from the schema diff; write down() by hand. */
export class ${dialect}${className} extends Migration {
  override up(): void {
${statements(lines)}
  }
}
`;
writeFileSync(
  join('db', 'migrations', `${fileName}.ts`),
  `import { Migration } from '@mikro-orm/migrations';\n\n${migrationClass('Sqlite', changes.sqlite)}\n${migrationClass('Postgresql', changes.postgresql)}`,
);
console.log(`wrote db/migrations/${fileName}.ts; register Sqlite${className} and Postgresql${className} as '${fileName}' in db/migrations/index.ts`);
