// Money and quantities are exact: a decimal string is read into integer units of 10^-SCALE (a BigInt) and computed on as such.

/** Digits after the point every amount keeps: the databases' numeric(30,10). */
export const SCALE = 10;
/** Digits before the point: numeric(30,10) holds 20. */
export const MAX_INTEGER_DIGITS = 20;

const ONE = 10n ** BigInt(SCALE);
const DECIMAL_TEXT = new RegExp(`^(-)?(0|[1-9][0-9]{0,${MAX_INTEGER_DIGITS - 1}})(?:\\.([0-9]{1,${SCALE}}))?$`);

/** An amount in units of 10^-SCALE. */
export type Units = bigint;

/** Whether `text` is a plain decimal both databases store exactly: no exponent, no leading zeros, at most 20.10 digits. */
export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

export function toUnits(text: string): Units {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`not a decimal of at most ${MAX_INTEGER_DIGITS}.${SCALE} digits: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(whole!) * ONE + BigInt(fraction.padEnd(SCALE, '0'));
  return sign ? -units : units;
}

/** The canonical text of an amount: no trailing zeros, no point for a whole number, "0" never negative. */
export function fromUnits(units: Units): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = (magnitude / ONE).toString();
  const fraction = (magnitude % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The canonical text of a decimal string ("100.50" → "100.5"). */
export function canonicalDecimal(text: string): string {
  return fromUnits(toUnits(text));
}

/** a / b rounded half away from zero to units: the one place precision can be lost, by at most half a unit. */
function divideRounded(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const negative = a < 0n !== b < 0n;
  const [absA, absB] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const quotient = (absA * 2n + absB) / (absB * 2n);
  return negative ? -quotient : quotient;
}

export const add = (a: string, b: string): string => fromUnits(toUnits(a) + toUnits(b));
export const subtract = (a: string, b: string): string => fromUnits(toUnits(a) - toUnits(b));
export const multiply = (a: string, b: string): string => fromUnits(divideRounded(toUnits(a) * toUnits(b), ONE));
export const divide = (a: string, b: string): string => fromUnits(divideRounded(toUnits(a) * ONE, toUnits(b)));
export const compare = (a: string, b: string): -1 | 0 | 1 => {
  const [x, y] = [toUnits(a), toUnits(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};
/** The largest multiple of `step` that is at most `amount` (both at least 0); a step of 0 leaves the amount as it is. */
export function floorToStep(amount: string, step: string): string {
  const [units, stepUnits] = [toUnits(amount), toUnits(step)];
  if (units < 0n || stepUnits < 0n) throw new RangeError(`floorToStep takes amounts of at least 0 (got ${amount}, step ${step})`);
  return stepUnits === 0n ? fromUnits(units) : fromUnits((units / stepUnits) * stepUnits);
}
export const sum = (amounts: readonly string[]): string => fromUnits(amounts.reduce((total, amount) => total + toUnits(amount), 0n));
