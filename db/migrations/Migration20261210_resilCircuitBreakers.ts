import { Migration } from '@mikro-orm/migrations';

/** Circuit breaker state shared by every worker process. */
export class SqliteResilCircuitBreakers extends Migration {
  override up(): void {
    this.addSql('create table `circuit_breakers` (`name` text not null primary key, `state` text not null, `failure_count` integer not null, `window_started_at` datetime null, `opened_at` datetime null, `next_attempt_at` datetime null, `trials_in_flight` integer not null, `successes` integer not null, `forced` integer not null, `version` integer not null, `updated_at` datetime not null);');
  }

  override down(): void {
    this.addSql('drop table `circuit_breakers`;');
  }
}

/** Circuit breaker state shared by every worker process. */
export class PostgresqlResilCircuitBreakers extends Migration {
  override up(): void {
    this.addSql('create table "circuit_breakers" ("name" varchar(64) not null, "state" varchar(16) not null, "failure_count" int not null, "window_started_at" timestamptz null, "opened_at" timestamptz null, "next_attempt_at" timestamptz null, "trials_in_flight" int not null, "successes" int not null, "forced" boolean not null, "version" int not null, "updated_at" timestamptz not null, primary key ("name"));');
  }

  override down(): void {
    this.addSql('drop table "circuit_breakers";');
  }
}
