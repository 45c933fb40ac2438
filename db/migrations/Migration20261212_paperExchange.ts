import { Migration } from '@mikro-orm/migrations';

/** The paper exchange's own book of fills, keyed by client order ID (amounts as TEXT on SQLite). */
export class SqlitePaperExchange extends Migration {
  override up(): void {
    this.addSql("create table `paper_orders` (`id` integer not null primary key autoincrement, `client_order_id` text not null, `symbol` text not null, `side` text check (`side` in ('BUY', 'SELL')) not null, `status` text check (`status` in ('FILLED', 'CANCELED')) not null, `executed_quantity` text not null, `executed_quote_quantity` text not null, `price` text not null, `created_at` datetime not null);");
    this.addSql("create unique index `uq_paper_orders_client_order_id` on `paper_orders` (`client_order_id`);");
  }

  override down(): void {
    this.addSql('drop table `paper_orders`;');
  }
}

/** The paper exchange's own book of fills, keyed by client order ID. */
export class PostgresqlPaperExchange extends Migration {
  override up(): void {
    this.addSql("create table \"paper_orders\" (\"id\" serial, \"client_order_id\" varchar(36) not null, \"symbol\" varchar(32) not null, \"side\" text not null, \"status\" text not null, \"executed_quantity\" numeric(30,10) not null, \"executed_quote_quantity\" numeric(30,10) not null, \"price\" numeric(30,10) not null, \"created_at\" timestamptz not null, constraint \"pk_paper_orders\" primary key (\"id\"));");
    this.addSql("alter table \"paper_orders\" add constraint \"uq_paper_orders_client_order_id\" unique (\"client_order_id\");");
    this.addSql("alter table \"paper_orders\" add constraint \"ck_paper_orders_side\" check (\"side\" in ('BUY', 'SELL'));");
    this.addSql("alter table \"paper_orders\" add constraint \"ck_paper_orders_status\" check (\"status\" in ('FILLED', 'CANCELED'));");
  }

  override down(): void {
    this.addSql('drop table "paper_orders";');
  }
}
