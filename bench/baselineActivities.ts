/** The price alert's two activities with nothing behind them: what the baseline workflow runs. */
export function createBaselineActivities() {
  return {
    getPrice(symbol: string): Promise<{ symbol: string; price: number }> {
      return Promise.resolve({ symbol, price: 50_000 });
    },
    sendNotification(): Promise<{ delivered: boolean }> {
      return Promise.resolve({ delivered: true });
    },
  };
}
