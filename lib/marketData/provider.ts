export interface PriceQuote {
  symbol: string;
  price: number;
  /** ISO time the provider's answer was taken. */
  at: string;
}

/** A source of market prices; errors are KeelErrors (InvalidSymbol is a business error, never retried). */
export interface MarketDataProvider {
  readonly name: string;
  getPrice(symbol: string): Promise<PriceQuote>;
}
