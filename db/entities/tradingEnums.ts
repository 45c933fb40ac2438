/** Binance's order sides, types and statuses, as the exchange spells them. */
export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['MARKET', 'LIMIT'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** UNKNOWN: the request was sent and no answer came back; the order is looked up by its client ID before anything else. */
export const ORDER_STATUSES = ['PENDING', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'UNKNOWN'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
