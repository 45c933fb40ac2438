import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseKind } from '../orm.ts';
import { PostgresqlInitial, SqliteInitial } from './Migration20261127_initial.ts';
import { PostgresqlJobScheduleState, SqliteJobScheduleState } from './Migration20261201_jobScheduleState.ts';
import { PostgresqlIdempotencyKeys, SqliteIdempotencyKeys } from './Migration20261201_idempotencyKeys.ts';
import { PostgresqlJobSchedulePolicies, SqliteJobSchedulePolicies } from './Migration20261202_jobSchedulePolicies.ts';
import { PostgresqlFailureStreak, SqliteFailureStreak } from './Migration20261203_failureStreak.ts';
import { PostgresqlFireLedger, SqliteFireLedger } from './Migration20261210_fireLedger.ts';
import { PostgresqlAlertsReports, SqliteAlertsReports } from './Migration20261210_alertsReports.ts';
import { PostgresqlResilErrorEvents, SqliteResilErrorEvents } from './Migration20261210_resilErrorEvents.ts';
import { PostgresqlResilCircuitBreakers, SqliteResilCircuitBreakers } from './Migration20261210_resilCircuitBreakers.ts';
import { PostgresqlOutbox, SqliteOutbox } from './Migration20261210_outbox.ts';
import { PostgresqlNamingConvention, SqliteNamingConvention } from './Migration20261210_namingConvention.ts';
import { PostgresqlTrading, SqliteTrading } from './Migration20261210_trading.ts';
import { PostgresqlConventionNames, SqliteConventionNames } from './Migration20261211_conventionNames.ts';
import { PostgresqlPaperExchange, SqlitePaperExchange } from './Migration20261212_paperExchange.ts';
import { PostgresqlKillSwitch, SqliteKillSwitch } from './Migration20261213_killSwitch.ts';
import { PostgresqlPositionMarks, SqlitePositionMarks } from './Migration20261214_positionMarks.ts';

/** The ordered migrations of each database; the SQL differs per dialect, the resulting schema does not. */
const MIGRATIONS: Record<DatabaseKind, MigrationObject[]> = {
  sqlite: [
    { name: 'Migration20261127_initial', class: SqliteInitial },
    { name: 'Migration20261201_jobScheduleState', class: SqliteJobScheduleState },
    { name: 'Migration20261201_idempotencyKeys', class: SqliteIdempotencyKeys },
    { name: 'Migration20261202_jobSchedulePolicies', class: SqliteJobSchedulePolicies },
    { name: 'Migration20261203_failureStreak', class: SqliteFailureStreak },
    { name: 'Migration20261210_fireLedger', class: SqliteFireLedger },
    { name: 'Migration20261210_alertsReports', class: SqliteAlertsReports },
    { name: 'Migration20261210_resilErrorEvents', class: SqliteResilErrorEvents },
    { name: 'Migration20261210_resilCircuitBreakers', class: SqliteResilCircuitBreakers },
    { name: 'Migration20261210_outbox', class: SqliteOutbox },
    { name: 'Migration20261210_namingConvention', class: SqliteNamingConvention },
    { name: 'Migration20261210_trading', class: SqliteTrading },
    { name: 'Migration20261211_conventionNames', class: SqliteConventionNames },
    { name: 'Migration20261212_paperExchange', class: SqlitePaperExchange },
    { name: 'Migration20261213_killSwitch', class: SqliteKillSwitch },
    { name: 'Migration20261214_positionMarks', class: SqlitePositionMarks },
  ],
  postgresql: [
    { name: 'Migration20261127_initial', class: PostgresqlInitial },
    { name: 'Migration20261201_jobScheduleState', class: PostgresqlJobScheduleState },
    { name: 'Migration20261201_idempotencyKeys', class: PostgresqlIdempotencyKeys },
    { name: 'Migration20261202_jobSchedulePolicies', class: PostgresqlJobSchedulePolicies },
    { name: 'Migration20261203_failureStreak', class: PostgresqlFailureStreak },
    { name: 'Migration20261210_fireLedger', class: PostgresqlFireLedger },
    { name: 'Migration20261210_alertsReports', class: PostgresqlAlertsReports },
    { name: 'Migration20261210_resilErrorEvents', class: PostgresqlResilErrorEvents },
    { name: 'Migration20261210_resilCircuitBreakers', class: PostgresqlResilCircuitBreakers },
    { name: 'Migration20261210_outbox', class: PostgresqlOutbox },
    { name: 'Migration20261210_namingConvention', class: PostgresqlNamingConvention },
    { name: 'Migration20261210_trading', class: PostgresqlTrading },
    { name: 'Migration20261211_conventionNames', class: PostgresqlConventionNames },
    { name: 'Migration20261212_paperExchange', class: PostgresqlPaperExchange },
    { name: 'Migration20261213_killSwitch', class: PostgresqlKillSwitch },
    { name: 'Migration20261214_positionMarks', class: PostgresqlPositionMarks },
  ],
};

export function migrationsFor(kind: DatabaseKind): MigrationObject[] {
  return MIGRATIONS[kind];
}
