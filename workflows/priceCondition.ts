import type { PriceCondition } from '../lib/jobParams/priceAlert.ts';

/** Whether a price meets an alert condition: `above` and `below` are inclusive of the threshold. */
export function priceConditionHolds(condition: PriceCondition, threshold: number, price: number): boolean {
  switch (condition) {
    case 'above':
      return price >= threshold;
    case 'below':
      return price <= threshold;
  }
}
