import { Migration } from '@mikro-orm/migrations';

/** Idempotency keys of POST requests and the answers they got. */
export class SqliteIdempotencyKeys extends Migration {
  override up(): void {
    this.addSql('create table `idempotency_keys` (`id` integer not null primary key autoincrement, `key` text not null, `scope` text not null, `request_hash` text not null, `response` json null, `created_at` datetime not null);');
    this.addSql('create index `idempotency_keys_created_at_index` on `idempotency_keys` (`created_at`);');
    this.addSql('create unique index `idempotency_keys_key_scope_unique` on `idempotency_keys` (`key`, `scope`);');
  }

  override down(): void {
    this.addSql('drop table `idempotency_keys`;');
  }
}

/** Idempotency keys of POST requests and the answers they got. */
export class PostgresqlIdempotencyKeys extends Migration {
  override up(): void {
    this.addSql('create table "idempotency_keys" ("id" serial primary key, "key" varchar(255) not null, "scope" varchar(255) not null, "request_hash" varchar(64) not null, "response" jsonb null, "created_at" timestamptz not null);');
    this.addSql('create index "idempotency_keys_created_at_index" on "idempotency_keys" ("created_at");');
    this.addSql('alter table "idempotency_keys" add constraint "idempotency_keys_key_scope_unique" unique ("key", "scope");');
  }

  override down(): void {
    this.addSql('drop table "idempotency_keys";');
  }
}
