import { UnderscoreNamingStrategy, type EntitySchema } from '@mikro-orm/core';

type IndexType = 'primary' | 'foreign' | 'unique' | 'index' | 'sequence' | 'check' | 'default' | 'trigger';

const PREFIXES: Record<string, string> = { primary: 'pk', foreign: 'fk', unique: 'uq', index: 'ix', check: 'ck' };

/** `<table>.<column>` of each many-to-one or one-to-one relation → the table it refers to. */
export type ReferredTables = ReadonlyMap<string, string>;

/**
 * The seed's convention for keys and indexes, the same on both databases: `pk_<table>`, `fk_<table>_<column>_<referred table>`,
 * `uq_<table>_<columns>`, `ix_<table>_<columns>`, `ck_<table>_<name>`. Sequences and the rest keep MikroORM's names.
 */
export function keyName(tableName: string, columns: string[], type: 'primary' | 'foreign' | 'unique' | 'index' | 'check', referredTables: ReferredTables = new Map()): string {
  const table = tableName.includes('.') ? tableName.slice(tableName.indexOf('.') + 1) : tableName;
  if (type === 'primary') return `pk_${table}`;
  const parts = [PREFIXES[type], table, ...columns.map((column) => column.replaceAll('.', '_'))];
  const referred = type === 'foreign' && columns.length === 1 ? referredTables.get(`${table}.${columns[0]}`) : undefined;
  return [...parts, ...(referred ? [referred] : [])].join('_');
}

/**
 * MikroORM asks its naming strategy for a key's name with the table and columns only, also when it reads a SQLite
 * schema back (where foreign keys carry no readable name): so the referred tables are learnt from the entities up front.
 */
export function namingStrategyFor(entities: readonly EntitySchema[]) {
  const referredTables = new Map<string, string>();
  for (const schema of entities) {
    for (const [name, prop] of Object.entries(schema.meta.properties) as [string, { kind?: string; entity?: () => EntitySchema }][]) {
      if ((prop.kind === 'm:1' || prop.kind === '1:1') && prop.entity) referredTables.set(`${schema.meta.tableName}.${name}_id`, prop.entity().meta.tableName);
    }
  }
  return class KeelNamingStrategy extends UnderscoreNamingStrategy {
    override indexName(tableName: string, columns: string[], type: IndexType): string {
      if (type === 'primary' || type === 'foreign' || type === 'unique' || type === 'index' || type === 'check') return keyName(tableName, columns, type, referredTables);
      return super.indexName(tableName, columns, type);
    }
  };
}
