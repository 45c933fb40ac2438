import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The determinism rules for workflows/ are enforced by lint: prove they bite.
describe('lint rules for workflow code', () => {
  const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
  const lint = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: 'workflows/priceAlert.ts' });
    return result!.messages.map((message) => message.ruleId);
  };

  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", '@typescript-eslint/no-restricted-imports'],
    ["import { pino } from 'pino';\nexport const x = pino;\n", '@typescript-eslint/no-restricted-imports'],
    ["import { createMarketDataActivities } from '../activities/marketData.ts';\nexport const x = createMarketDataActivities;\n", '@typescript-eslint/no-restricted-imports'],
    ['export const x = () => setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
    ['export const x = (ms: number) => new Date(ms);\n', 'no-restricted-syntax'],
  ])('refuses %j', async (code, rule) => {
    expect(await lint(code)).toContain(rule);
  });

  it('allows the pure retry strategies from lib, and nothing else of lib', async () => {
    expect(await lint("import { retryDelayMs } from '../lib/retryStrategies.ts';\nexport const x = retryDelayMs;\n")).toEqual([]);
    expect(await lint("import { withRetry } from '../lib/retry.ts';\nexport const x = withRetry;\n")).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allows type-only imports of activities and the workflow API', async () => {
    const code = "import type { createMarketDataActivities } from '../activities/marketData.ts';\nimport { sleep } from '@temporalio/workflow';\nexport type A = ReturnType<typeof createMarketDataActivities>;\nexport const x = () => sleep(1);\n";
    expect(await lint(code)).toEqual([]);
  });
});
