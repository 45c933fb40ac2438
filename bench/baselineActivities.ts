export function createBaselineActivities() {
  return {
    noop(): Promise<void> {
      return Promise.resolve();
    },
  };
}
