import { Type, type Platform } from '@mikro-orm/core';

/** Digits before and after the point of every amount: numeric(30,10) on PostgreSQL. */
export const DECIMAL_PRECISION = 30;
export const DECIMAL_SCALE = 10;

/** SQLite gives a NUMERIC column a float's precision, so an exact amount is kept there as TEXT. */
const keepsDecimalsAsText = (platform: Platform) => platform.constructor.name.startsWith('Sqlite');

/** An exact amount as a canonical decimal string ("100.5", never "100.5000000000" nor a float), whatever the database. */
export class DecimalText extends Type<string, string> {
  override getColumnType(_prop: unknown, platform: Platform): string {
    return keepsDecimalsAsText(platform) ? 'text' : `numeric(${DECIMAL_PRECISION},${DECIMAL_SCALE})`;
  }

  override convertToJSValue(value: string): string {
    const text = String(value);
    const canonical = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
    return canonical === '-0' ? '0' : canonical;
  }

  override compareAsType(): string {
    return 'string';
  }
}
