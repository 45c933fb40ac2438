import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../lib/config.ts';
import { defaultPoliciesFor } from '../../lib/jobPolicies.ts';
import { JOB_TYPES } from '../../lib/jobTypes.ts';

const repoConfig = join(import.meta.dirname, '..', '..', 'config');
const base = loadConfig({ CONFIG_DIR: repoConfig });
const withConfig = (overrides: Partial<Config>): Config => ({ ...base, ...overrides });

describe('default policies of a new job', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("fall back to the job type's run options, with no jitter, no pause on failure and no limits", () => {
    expect(defaultPoliciesFor(base, JOB_TYPES.price_alert)).toEqual({
      overlap: 'buffer_one',
      catchup_window: 60,
      jitter: 0,
      pause_on_failure: false,
      pause_after_failures: 3,
      start_at: null,
      end_at: null,
      remaining_actions: null,
      max_instances: null,
    });
  });

  it("map the seed's scheduler options: coalesce false → buffer_all, true → buffer_one, misfire_grace_time → catchup_window", () => {
    const seed = withConfig({ scheduler: { coalesce: false, max_instances: 3, misfire_grace_time: 30 } });
    expect(defaultPoliciesFor(seed, JOB_TYPES.price_alert)).toMatchObject({ overlap: 'buffer_all', max_instances: 3, catchup_window: 30 });
    expect(defaultPoliciesFor(withConfig({ scheduler: { coalesce: true } }), JOB_TYPES.price_alert).overlap).toBe('buffer_one');
  });

  it('let schedule.defaults win over the seed aliases', () => {
    const config = withConfig({
      scheduler: { coalesce: false, max_instances: 3, misfire_grace_time: 30 },
      schedule: { ...base.schedule, defaults: { overlap: 'skip', catchup_window: 300, jitter: 5, pause_on_failure: true, pause_after_failures: 2, max_instances: 1 } },
    });
    expect(defaultPoliciesFor(config, JOB_TYPES.price_alert)).toMatchObject({ overlap: 'skip', catchup_window: 300, jitter: 5, pause_on_failure: true, pause_after_failures: 2, max_instances: 1 });
  });

  it("accept the seed's scheduler section in YAML, and refuse a negative misfire_grace_time naming the key", () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    dirs.push(dir);
    copyFileSync(join(repoConfig, 'default.yaml'), join(dir, 'default.yaml'));
    writeFileSync(join(dir, 'development.yaml'), 'scheduler:\n  coalesce: False\n  max_instances: 3\n  misfire_grace_time: 30\n');
    expect(loadConfig({ CONFIG_DIR: dir }).scheduler).toEqual({ coalesce: false, max_instances: 3, misfire_grace_time: 30 });
    writeFileSync(join(dir, 'development.yaml'), 'scheduler:\n  misfire_grace_time: -1\n');
    expect(() => loadConfig({ CONFIG_DIR: dir })).toThrow(/scheduler\.misfire_grace_time/);
  });
});
