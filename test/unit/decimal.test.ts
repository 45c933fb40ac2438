import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, canonicalDecimal, compare, divide, floorToStep, fromUnits, isDecimalText, multiply, subtract, sum, toUnits } from '../../lib/decimal.ts';

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 10n - 1n }))
  .map(([negative, whole, fraction]) => fromUnits((negative ? -1n : 1n) * (whole * 10n ** 10n + fraction)));

describe('exact decimals', () => {
  it('add what floats cannot', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(subtract('100', '99.9999999999')).toBe('0.0000000001');
    expect(sum(['0.1', '0.1', '0.1', '-0.3'])).toBe('0');
    expect(add('99999999999999999999.9999999999', '0')).toBe('99999999999999999999.9999999999');
  });

  it('multiply and divide rounding half away from zero at the tenth digit', () => {
    expect(multiply('0.00012345', '64123.5')).toBe('7.916046075');
    expect(multiply('0.5', '0.0000000001')).toBe('0.0000000001');
    expect(multiply('-0.5', '0.0000000001')).toBe('-0.0000000001');
    expect(multiply('0.4', '0.0000000001')).toBe('0');
    expect(divide('100', '3')).toBe('33.3333333333');
    expect(divide('200', '3')).toBe('66.6666666667');
    expect(() => divide('1', '0')).toThrow('division by zero');
  });

  it('write a canonical form: no trailing zeros, no negative zero', () => {
    expect(canonicalDecimal('100.5000000000')).toBe('100.5');
    expect(canonicalDecimal('7.0')).toBe('7');
    expect(canonicalDecimal('-0.0')).toBe('0');
    expect(compare('1.50', '1.5')).toBe(0);
    expect(compare('-2', '1')).toBe(-1);
  });

  it('read only plain decimals of at most 20.10 digits', () => {
    for (const good of ['0', '1', '-3.25', '0.0000000001', '99999999999999999999.9999999999']) expect(isDecimalText(good)).toBe(true);
    for (const bad of ['', '1e5', '01', '.5', '1.', '+1', ' 1', '1,5', '0x10', 'NaN', 'Infinity', '0.00000000001', '100000000000000000000']) {
      expect(isDecimalText(bad), bad).toBe(false);
      expect(() => toUnits(bad)).toThrow(RangeError);
    }
  });

  it('round down to a lot step, never up', () => {
    expect(floorToStep('0.0007002885', '0.00001')).toBe('0.0007');
    expect(floorToStep('0.002', '0.00001')).toBe('0.002');
    expect(floorToStep('12.9', '5')).toBe('10');
    expect(floorToStep('0.0000099999', '0.00001')).toBe('0');
    expect(floorToStep('1.2345', '0')).toBe('1.2345');
    expect(() => floorToStep('-1', '0.1')).toThrow(RangeError);
    const positive = decimalText.map((text) => (text.startsWith('-') ? text.slice(1) : text));
    fc.assert(
      fc.property(positive, positive.filter((step) => step !== '0'), (amount, step) => {
        const floored = floorToStep(amount, step);
        // A multiple of the step, at most the amount, and less than one step below it.
        expect(toUnits(floored) % toUnits(step)).toBe(0n);
        expect(compare(floored, amount)).toBeLessThanOrEqual(0);
        expect(compare(add(floored, step), amount)).toBe(1);
      }),
    );
  });

  it('round-trip and invert exactly', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        expect(fromUnits(toUnits(a))).toBe(a);
        expect(subtract(add(a, b), b)).toBe(a);
        expect(compare(add(a, b), b)).toBe(compare(a, '0'));
      }),
    );
  });
});
