import { Migration } from '@mikro-orm/migrations';

/** A position's last mark to market (position_monitor): the price, the unrealised pnl at it, and when. */
export class SqlitePositionMarks extends Migration {
  override up(): void {
    this.addSql('alter table `positions` add column `last_price` text null;');
    this.addSql('alter table `positions` add column `unrealized_pnl` text null;');
    this.addSql('alter table `positions` add column `marked_at` datetime null;');
  }

  override down(): void {
    this.addSql('alter table `positions` drop column `marked_at`;');
    this.addSql('alter table `positions` drop column `unrealized_pnl`;');
    this.addSql('alter table `positions` drop column `last_price`;');
  }
}

/** A position's last mark to market (position_monitor): the price, the unrealised pnl at it, and when. */
export class PostgresqlPositionMarks extends Migration {
  override up(): void {
    this.addSql('alter table "positions" add column "last_price" numeric(30,10) null, add column "unrealized_pnl" numeric(30,10) null, add column "marked_at" timestamptz null;');
  }

  override down(): void {
    this.addSql('alter table "positions" drop column "last_price", drop column "unrealized_pnl", drop column "marked_at";');
  }
}
