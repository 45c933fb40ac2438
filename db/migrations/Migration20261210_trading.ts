import { Migration } from '@mikro-orm/migrations';

/** Trading: bots, their orders, trades, positions, daily performance and budget reservations; amounts are exact (TEXT on SQLite). */
export class SqliteTrading extends Migration {
  override up(): void {
    this.addSql("create table `bot_instances` (`id` integer not null primary key autoincrement, `user_id` integer not null, `name` text not null, `strategy` text not null, `symbols` json not null, `status` text check (`status` in ('running', 'paused', 'stopped')) not null default 'running', `budget` text not null, `reserved` text not null default '0', `max_open_positions` integer not null, `max_notional` text not null, `daily_loss_limit` text not null, `dry_run` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql('create index `ix_bot_instances_user_id_id` on `bot_instances` (`user_id`, `id`);');
    this.addSql("create table `budget_reservations` (`id` integer not null primary key autoincrement, `bot_id` integer not null, `amount` text not null, `idempotency_key` text not null, `status` text check (`status` in ('reserved', 'released', 'consumed')) not null default 'reserved', `created_at` datetime not null, `updated_at` datetime not null, constraint `fk_budget_reservations_bot_id_bot_instances` foreign key (`bot_id`) references `bot_instances` (`id`));");
    this.addSql('create index `ix_budget_reservations_bot_id` on `budget_reservations` (`bot_id`);');
    this.addSql('create unique index `uq_budget_reservations_idempotency_key` on `budget_reservations` (`idempotency_key`);');
    this.addSql("create table `orders` (`id` integer not null primary key autoincrement, `bot_id` integer not null, `symbol` text not null, `side` text check (`side` in ('BUY', 'SELL')) not null, `type` text check (`type` in ('MARKET', 'LIMIT')) not null, `quantity` text not null, `price` text null, `status` text check (`status` in ('PENDING', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'UNKNOWN')) not null, `client_order_id` text not null, `exchange_order_id` text null, `run_id` integer null, `workflow_id` text null, `created_at` datetime not null, `updated_at` datetime not null, constraint `fk_orders_bot_id_bot_instances` foreign key (`bot_id`) references `bot_instances` (`id`));");
    this.addSql('create index `ix_orders_bot_id` on `orders` (`bot_id`);');
    this.addSql('create unique index `uq_orders_client_order_id` on `orders` (`client_order_id`);');
    this.addSql('create index `ix_orders_bot_id_id` on `orders` (`bot_id`, `id`);');
    this.addSql("create table `performance_metrics` (`id` integer not null primary key autoincrement, `bot_id` integer not null, `day` text not null, `pnl` text not null default '0', `trades` integer not null default 0, `closing_trades` integer not null default 0, `wins` integer not null default 0, `win_rate` text not null default '0', `peak_pnl` text not null default '0', `max_drawdown` text not null default '0', `updated_at` datetime not null, constraint `fk_performance_metrics_bot_id_bot_instances` foreign key (`bot_id`) references `bot_instances` (`id`));");
    this.addSql('create index `ix_performance_metrics_bot_id` on `performance_metrics` (`bot_id`);');
    this.addSql('create unique index `uq_performance_metrics_bot_id_day` on `performance_metrics` (`bot_id`, `day`);');
    this.addSql("create table `positions` (`id` integer not null primary key autoincrement, `bot_id` integer not null, `symbol` text not null, `quantity` text not null, `avg_entry_price` text not null, `status` text check (`status` in ('open', 'closed')) not null default 'open', `opened_at` datetime not null, `closed_at` datetime null, `stop_loss` text null, `take_profit` text null, constraint `fk_positions_bot_id_bot_instances` foreign key (`bot_id`) references `bot_instances` (`id`));");
    this.addSql('create index `ix_positions_bot_id` on `positions` (`bot_id`);');
    this.addSql('create index `ix_positions_bot_id_status_symbol` on `positions` (`bot_id`, `status`, `symbol`);');
    this.addSql("create table `trades` (`id` integer not null primary key autoincrement, `bot_id` integer not null, `symbol` text not null, `side` text check (`side` in ('BUY', 'SELL')) not null, `quantity` text not null, `price` text not null, `fee` text not null default '0', `realized_pnl` text null, `status` text check (`status` in ('FILLED', 'FAILED')) not null default 'FILLED', `client_order_id` text not null, `exchange_order_id` text null, `run_id` integer null, `executed_at` datetime not null, constraint `fk_trades_bot_id_bot_instances` foreign key (`bot_id`) references `bot_instances` (`id`));");
    this.addSql('create index `ix_trades_bot_id` on `trades` (`bot_id`);');
    this.addSql('create unique index `uq_trades_client_order_id` on `trades` (`client_order_id`);');
    this.addSql('create index `ix_trades_bot_id_id` on `trades` (`bot_id`, `id`);');
    this.addSql('create index `ix_trades_bot_id_executed_at` on `trades` (`bot_id`, `executed_at`);');
  }

  override down(): void {
    this.addSql('drop table `budget_reservations`;');
    this.addSql('drop table `performance_metrics`;');
    this.addSql('drop table `positions`;');
    this.addSql('drop table `trades`;');
    this.addSql('drop table `orders`;');
    this.addSql('drop table `bot_instances`;');
  }
}

/** Trading: bots, their orders, trades, positions, daily performance and budget reservations; amounts are numeric(30,10). */
export class PostgresqlTrading extends Migration {
  override up(): void {
    this.addSql(`create table "bot_instances" ("id" serial, "user_id" int not null, "name" varchar(200) not null, "strategy" varchar(64) not null, "symbols" jsonb not null, "status" text not null default 'running', "budget" numeric(30,10) not null, "reserved" numeric(30,10) not null default '0', "max_open_positions" int not null, "max_notional" numeric(30,10) not null, "daily_loss_limit" numeric(30,10) not null, "dry_run" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "pk_bot_instances" primary key ("id"));`);
    this.addSql(`create index "ix_bot_instances_user_id_id" on "bot_instances" ("user_id", "id");`);
    this.addSql(`alter table "bot_instances" add constraint "ck_bot_instances_status" check ("status" in ('running', 'paused', 'stopped'));`);
    this.addSql(`create table "budget_reservations" ("id" serial, "bot_id" int not null, "amount" numeric(30,10) not null, "idempotency_key" varchar(255) not null, "status" text not null default 'reserved', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "pk_budget_reservations" primary key ("id"));`);
    this.addSql(`alter table "budget_reservations" add constraint "uq_budget_reservations_idempotency_key" unique ("idempotency_key");`);
    this.addSql(`alter table "budget_reservations" add constraint "ck_budget_reservations_status" check ("status" in ('reserved', 'released', 'consumed'));`);
    this.addSql(`create table "orders" ("id" serial, "bot_id" int not null, "symbol" varchar(32) not null, "side" text not null, "type" text not null, "quantity" numeric(30,10) not null, "price" numeric(30,10) null, "status" text not null, "client_order_id" varchar(36) not null, "exchange_order_id" varchar(64) null, "run_id" int null, "workflow_id" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "pk_orders" primary key ("id"));`);
    this.addSql(`alter table "orders" add constraint "uq_orders_client_order_id" unique ("client_order_id");`);
    this.addSql(`create index "ix_orders_bot_id_id" on "orders" ("bot_id", "id");`);
    this.addSql(`alter table "orders" add constraint "ck_orders_side" check ("side" in ('BUY', 'SELL'));`);
    this.addSql(`alter table "orders" add constraint "ck_orders_type" check ("type" in ('MARKET', 'LIMIT'));`);
    this.addSql(`alter table "orders" add constraint "ck_orders_status" check ("status" in ('PENDING', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'UNKNOWN'));`);
    this.addSql(`create table "performance_metrics" ("id" serial, "bot_id" int not null, "day" varchar(10) not null, "pnl" numeric(30,10) not null default '0', "trades" int not null default 0, "closing_trades" int not null default 0, "wins" int not null default 0, "win_rate" numeric(30,10) not null default '0', "peak_pnl" numeric(30,10) not null default '0', "max_drawdown" numeric(30,10) not null default '0', "updated_at" timestamptz not null, constraint "pk_performance_metrics" primary key ("id"));`);
    this.addSql(`alter table "performance_metrics" add constraint "uq_performance_metrics_bot_id_day" unique ("bot_id", "day");`);
    this.addSql(`create table "positions" ("id" serial, "bot_id" int not null, "symbol" varchar(32) not null, "quantity" numeric(30,10) not null, "avg_entry_price" numeric(30,10) not null, "status" text not null default 'open', "opened_at" timestamptz not null, "closed_at" timestamptz null, "stop_loss" numeric(30,10) null, "take_profit" numeric(30,10) null, constraint "pk_positions" primary key ("id"));`);
    this.addSql(`create index "ix_positions_bot_id_status_symbol" on "positions" ("bot_id", "status", "symbol");`);
    this.addSql(`alter table "positions" add constraint "ck_positions_status" check ("status" in ('open', 'closed'));`);
    this.addSql(`create table "trades" ("id" serial, "bot_id" int not null, "symbol" varchar(32) not null, "side" text not null, "quantity" numeric(30,10) not null, "price" numeric(30,10) not null, "fee" numeric(30,10) not null default '0', "realized_pnl" numeric(30,10) null, "status" text not null default 'FILLED', "client_order_id" varchar(36) not null, "exchange_order_id" varchar(64) null, "run_id" int null, "executed_at" timestamptz not null, constraint "pk_trades" primary key ("id"));`);
    this.addSql(`alter table "trades" add constraint "uq_trades_client_order_id" unique ("client_order_id");`);
    this.addSql(`create index "ix_trades_bot_id_id" on "trades" ("bot_id", "id");`);
    this.addSql(`create index "ix_trades_bot_id_executed_at" on "trades" ("bot_id", "executed_at");`);
    this.addSql(`alter table "trades" add constraint "ck_trades_side" check ("side" in ('BUY', 'SELL'));`);
    this.addSql(`alter table "trades" add constraint "ck_trades_status" check ("status" in ('FILLED', 'FAILED'));`);
    this.addSql(`alter table "budget_reservations" add constraint "fk_budget_reservations_bot_id_bot_instances" foreign key ("bot_id") references "bot_instances" ("id");`);
    this.addSql(`alter table "orders" add constraint "fk_orders_bot_id_bot_instances" foreign key ("bot_id") references "bot_instances" ("id");`);
    this.addSql(`alter table "performance_metrics" add constraint "fk_performance_metrics_bot_id_bot_instances" foreign key ("bot_id") references "bot_instances" ("id");`);
    this.addSql(`alter table "positions" add constraint "fk_positions_bot_id_bot_instances" foreign key ("bot_id") references "bot_instances" ("id");`);
    this.addSql(`alter table "trades" add constraint "fk_trades_bot_id_bot_instances" foreign key ("bot_id") references "bot_instances" ("id");`);
  }

  override down(): void {
    this.addSql('drop table "budget_reservations";');
    this.addSql('drop table "performance_metrics";');
    this.addSql('drop table "positions";');
    this.addSql('drop table "trades";');
    this.addSql('drop table "orders";');
    this.addSql('drop table "bot_instances";');
  }
}
