import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TASK_QUEUES } from './taskQueues.ts';
import { BUILT_IN_RETRY_POLICIES, RETRY_STRATEGIES, RETRYABLE_CATEGORIES, type RetryPolicyConfig } from './retryStrategies.ts';

export const APP_ENVS = ['development', 'test', 'staging', 'production'] as const;

const port = z.coerce.number().int().min(1).max(65_535);
const httpUrl = z.url({ protocol: /^https?$/ });
const optionalHttpUrl = z.union([z.literal(''), httpUrl]);

/** A table or column name, interpolated into SQL: plain lower-case identifiers only. */
const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier');

const overlapPolicy = z.enum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']);
/** A whole number in a range: seconds for durations, a count for max_instances. */
const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A retry policy in YAML: any field left out comes from the built-in policy of that name, else from `default`. */
const retryPolicyOverlay = z.object({
  max_attempts: wholeNumber(0, 1_000).optional(),
  base_delay: z.coerce.number().min(0.001).max(3_600).optional(),
  strategy: z.enum(RETRY_STRATEGIES).optional(),
  backoff_factor: z.coerce.number().min(1).max(100).optional(),
  max_delay: z.coerce.number().min(0.001).max(86_400).optional(),
  jitter: z.union([z.boolean(), z.stringbool()]).optional(),
  retry_on: z.array(z.enum(RETRYABLE_CATEGORIES)).optional(),
});

/** A circuit breaker with the seed's fields (seconds), and how many trial calls HALF_OPEN lets through at once. */
const circuitBreaker = z.object({
  failure_threshold: wholeNumber(1, 10_000),
  failure_window: z.coerce.number().min(0.1).max(86_400),
  recovery_timeout: z.coerce.number().min(0.1).max(86_400),
  success_threshold: wholeNumber(1, 1_000),
  half_open_max_calls: wholeNumber(1, 1_000).default(1),
});

/** The built-in policies with the YAML's overlaid by name: every name a profile uses is always there. */
function effectiveRetryPolicies(overlays: Record<string, z.infer<typeof retryPolicyOverlay>> = {}): Record<string, RetryPolicyConfig> {
  const policies = { ...BUILT_IN_RETRY_POLICIES };
  for (const [name, overlay] of Object.entries(overlays)) {
    const defined = Object.fromEntries(Object.entries(overlay).filter(([, value]) => value !== undefined));
    policies[name] = { ...(policies[name] ?? policies.default!), ...defined };
  }
  return policies;
}

const configSchema = z
  .object({
    app_env: z.enum(APP_ENVS),
    data_dir: z.string().min(1),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
    db: z.object({
      url: z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgresql://…'),
      pool_max: z.coerce.number().int().min(1).max(200),
      debug: z.union([z.boolean(), z.stringbool()]),
    }),
    temporal: z.object({
      address: z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port'),
      namespace: z.string().min(1),
      ui_port: port,
    }),
    // Port 0 asks the OS for a free port (tests, side-by-side instances).
    api: z.object({
      host: z.string().min(1),
      port: z.coerce.number().int().min(0).max(65_535),
      admin_key: z.string(),
      // Bigger request bodies get a 413 before they are read in full.
      max_body_bytes: z.coerce.number().int().min(1024).max(64 * 1024 * 1024),
    }),
    // One job must not flood its queue: a cron firing more often than this is refused.
    schedule: z.object({
      min_interval_ms: z.coerce.number().int().min(0).max(86_400_000),
      // A backfill covering more fire times than this is refused: one request must not start thousands of runs.
      max_backfill_fires: z.coerce.number().int().min(1).max(100_000),
      // Liveness: a running schedule this far past its next fire time has stalled; the reconciler alerts and recreates it.
      liveness_grace_ms: z.coerce.number().int().min(1_000).max(86_400_000),
      // A new job's policies when its POST leaves them out; unset ones come from the seed's `scheduler`, then the job type.
      defaults: z.object({
        overlap: overlapPolicy.optional(),
        catchup_window: wholeNumber(10, 365 * 86_400).optional(),
        jitter: wholeNumber(0, 86_400),
        pause_on_failure: z.union([z.boolean(), z.stringbool()]),
        pause_after_failures: wholeNumber(1, 1_000),
        max_instances: wholeNumber(1, 1_000).optional(),
      }),
    }),
    // The seed's APScheduler options, accepted as aliases of schedule.defaults (see README).
    scheduler: z
      .object({
        coalesce: z.union([z.boolean(), z.stringbool()]).optional(),
        max_instances: wholeNumber(1, 1_000).optional(),
        misfire_grace_time: wholeNumber(10, 365 * 86_400).optional(),
      })
      .optional(),
    // Each worker process's own /health/live and /health/ready; port 0 asks the OS for a free one (logged at start).
    worker: z.object({
      health_host: z.string().min(1),
      health_port: z.coerce.number().int().min(0).max(65_535),
      // A bulkhead per task queue: how much one worker process runs at once, so a slow queue cannot starve a host.
      queues: z.partialRecord(z.enum(TASK_QUEUES), z.object({ max_concurrent_activities: z.coerce.number().int().min(1).max(10_000), max_concurrent_workflow_tasks: z.coerce.number().int().min(2).max(10_000) })),
    }),
    // Per job type: how long one run may take, retries included, before it ends TIMED_OUT; unset, the job type's own.
    job_types: z
      .record(
        z.string(),
        z
          .object({
            execution_timeout_ms: z.coerce.number().int().min(1_000).max(30 * 86_400_000).optional(),
            // Whole seconds under a minute: a start-ahead cron moves each fire within one minute (lib/startAheadCron.ts).
            start_ahead_ms: z.coerce.number().int().min(0).max(59_000).multipleOf(1_000).optional(),
          })
          .strict(),
      )
      .default({}),
    market_data: z.object({
      provider: z.enum(['simulated', 'binance']),
      base_url: httpUrl,
      timeout_ms: z.coerce.number().int().min(100).max(120_000),
      weight_limit_per_minute: z.coerce.number().int().min(1).max(100_000),
    }),
    // Closing runs the recorder could not see, from Temporal's record.
    reconcile: z.object({
      runs_interval_ms: z.coerce.number().int().min(1_000).max(86_400_000),
      runs_grace_ms: z.coerce.number().int().min(0).max(86_400_000),
      runs_lookback_ms: z.coerce.number().int().min(60_000).max(30 * 86_400_000),
      schedules_interval_ms: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
    }),
    // The fire ledger (README, "The fire ledger"), run by the API process.
    fires: z
      .object({
        ledger_interval_ms: z.coerce.number().int().min(500).max(86_400_000).default(5_000),
        grace_ms: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
        watch_interval_ms: z.coerce.number().int().min(500).max(86_400_000).default(2_000),
        notify_interval_ms: z.coerce.number().int().min(0).max(30 * 86_400_000).default(900_000),
      })
      .default({ ledger_interval_ms: 5_000, grace_ms: 30_000, watch_interval_ms: 2_000, notify_interval_ms: 900_000 }),
    // The maintenance job: rows older than `days` by `column` go, in batches; Keel schedules it for itself at start-up.
    maintenance: z.object({
      system_job: z.union([z.boolean(), z.stringbool()]),
      cron: z.string().min(1),
      system_user_id: z.coerce.number().int().min(1).max(2_147_483_647),
      batch_size: z.coerce.number().int().min(1).max(100_000),
      retention: z.array(z.object({ table: sqlIdentifier, column: sqlIdentifier, days: z.coerce.number().int().min(1).max(36_500) })),
    }),
    notify: z.object({
      channel: z.enum(['log', 'webhook', 'telegram']),
      webhook_url: optionalHttpUrl,
      telegram_bot_token: z.string(),
      telegram_api_base_url: httpUrl,
      timeout_ms: z.coerce.number().int().min(100).max(120_000),
      // The outbox: the notification_batch schedule Keel keeps (empty: none), how long a delivery holds the rows it claimed, how often a row is tried.
      batch_cron: z.string().default('* * * * *'),
      claim_lease_ms: z.coerce.number().int().min(2_000).max(3_600_000).default(30_000),
      max_attempts: z.coerce.number().int().min(1).max(100).default(10),
      link_code_ttl_ms: z.coerce.number().int().min(60_000).max(7 * 86_400_000).default(900_000),
    }),
    // Where trading orders go; bots with dry_run always use the paper exchange.
    exchange: z.object({
      provider: z.enum(['paper', 'binance']),
      base_url: httpUrl,
      api_key: z.string(),
      api_secret: z.string(),
      timeout_ms: z.coerce.number().int().min(100).max(120_000),
      // Binance executes a signed request only this long after its timestamp: it also bounds how long an unanswered order stays undecided.
      recv_window_ms: z.coerce.number().int().min(100).max(60_000),
    }),
    // The seed's error handling: named retry policies (lib/retryStrategies.ts has the built-in ones).
    error_handling: z.object({
      retry_policies: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), retryPolicyOverlay).optional().transform(effectiveRetryPolicies),
      // One breaker per outside dependency, its state shared by every worker process through the database.
      circuit_breakers: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/).max(64), circuitBreaker),
      // How often each process re-reads the shared breaker state (it also reads it on every change it makes).
      circuit_breaker_sync_ms: z.coerce.number().int().min(10).max(60_000),
      // Per dependency, per process: calls in flight at once, calls that may wait for a slot, and the retry delay of one refused.
      bulkheads: z.record(
        z.string().regex(/^[a-z][a-z0-9_]*$/).max(64),
        z.object({ max_concurrent: wholeNumber(1, 10_000), max_queued: wholeNumber(0, 100_000), retry_after_ms: wholeNumber(1, 600_000) }),
      ),
      // Recovery strategies (lib/recovery.ts): how old a last known price may be to stand in for one the provider cannot give (seconds).
      recovery: z.object({ price_fallback_max_age: z.coerce.number().min(0).max(86_400) }),
      // The seed's error monitor: per-minute thresholds over every process's ErrorEvents, one alert per rule per cooldown.
      monitoring: z.object({
        error_rate_threshold: z.coerce.number().int().min(1),
        alert_cooldown: z.coerce.number().int().min(1),
        severity_thresholds: z.partialRecord(z.enum(['critical', 'error', 'warning', 'info']), z.coerce.number().int().min(1)),
        interval_ms: z.coerce.number().int().min(100).max(600_000),
        // The admin user the alert goes to (through the outbox, to that user's channel); 0 logs and counts without notifying.
        alert_user_id: z.coerce.number().int().min(0),
      }),
    }),
  })
  .superRefine((config, ctx) => {
    if (config.exchange.provider === 'binance') {
      for (const key of ['api_key', 'api_secret'] as const) {
        if (!config.exchange[key]) ctx.addIssue({ code: 'custom', path: ['exchange', key], message: 'is required when exchange.provider is binance' });
      }
    }
    if (config.notify.channel === 'webhook' && !config.notify.webhook_url) {
      ctx.addIssue({ code: 'custom', path: ['notify', 'webhook_url'], message: 'is required when notify.channel is webhook' });
    }
    if (config.notify.channel === 'telegram' && !config.notify.telegram_bot_token) {
      ctx.addIssue({ code: 'custom', path: ['notify', 'telegram_bot_token'], message: 'is required when notify.channel is telegram' });
    }
    if (config.notify.claim_lease_ms < 2 * config.notify.timeout_ms + 1_000) {
      ctx.addIssue({ code: 'custom', path: ['notify', 'claim_lease_ms'], message: 'must exceed twice notify.timeout_ms plus a second, so a claimed delivery ends before its lease' });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Environment variables and the config keys they override (the environment wins). */
export const ENV_KEYS: Record<string, string> = {
  APP_ENV: 'app_env',
  DATA_DIR: 'data_dir',
  DB_URL: 'db.url',
  TEMPORAL_ADDRESS: 'temporal.address',
  TEMPORAL_NAMESPACE: 'temporal.namespace',
  TEMPORAL_UI_PORT: 'temporal.ui_port',
  API_HOST: 'api.host',
  API_PORT: 'api.port',
  API_ADMIN_KEY: 'api.admin_key',
  API_MAX_BODY_BYTES: 'api.max_body_bytes',
  SCHEDULE_MIN_INTERVAL_MS: 'schedule.min_interval_ms',
  WORKER_HEALTH_PORT: 'worker.health_port',
  SCHEDULE_MAX_BACKFILL_FIRES: 'schedule.max_backfill_fires',
  SCHEDULE_LIVENESS_GRACE_MS: 'schedule.liveness_grace_ms',
  LOG_LEVEL: 'log.level',
  MARKET_DATA_PROVIDER: 'market_data.provider',
  MARKET_DATA_BASE_URL: 'market_data.base_url',
  NOTIFY_CHANNEL: 'notify.channel',
  NOTIFY_WEBHOOK_URL: 'notify.webhook_url',
  TELEGRAM_BOT_TOKEN: 'notify.telegram_bot_token',
  TELEGRAM_API_BASE_URL: 'notify.telegram_api_base_url',
  EXCHANGE_PROVIDER: 'exchange.provider',
  EXCHANGE_BASE_URL: 'exchange.base_url',
  EXCHANGE_API_KEY: 'exchange.api_key',
  EXCHANGE_API_SECRET: 'exchange.api_secret',
  FIRES_LEDGER_INTERVAL_MS: 'fires.ledger_interval_ms',
  FIRES_GRACE_MS: 'fires.grace_ms',
  FIRES_WATCH_INTERVAL_MS: 'fires.watch_interval_ms',
  FIRES_NOTIFY_INTERVAL_MS: 'fires.notify_interval_ms',
  MAINTENANCE_SYSTEM_JOB: 'maintenance.system_job',
  MAINTENANCE_CRON: 'maintenance.cron',
  MAINTENANCE_BATCH_SIZE: 'maintenance.batch_size',
  NOTIFY_TIMEOUT_MS: 'notify.timeout_ms',
  NOTIFY_BATCH_CRON: 'notify.batch_cron',
  NOTIFY_CLAIM_LEASE_MS: 'notify.claim_lease_ms',
  NOTIFY_MAX_ATTEMPTS: 'notify.max_attempts',
  ERROR_ALERT_USER_ID: 'error_handling.monitoring.alert_user_id',
};

/** Config keys whose values never leave the process in clear text. */
export const SECRET_KEYS = ['api.admin_key', 'notify.telegram_bot_token', 'exchange.api_key', 'exchange.api_secret'] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;
type Tree = Record<string, unknown>;

/** Reads config/default.yaml, overlays config/<APP_ENV>.yaml and the environment, and validates the result. */
export function loadConfig(env: Env = process.env): Config {
  const appEnv = env.APP_ENV || 'development';
  const configDir = resolve(env.CONFIG_DIR || './config');
  const tree = readYaml(join(configDir, 'default.yaml'), env, true);
  deepMerge(tree, readYaml(join(configDir, `${appEnv}.yaml`), env, false));
  tree.app_env = appEnv;
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(tree, key, value);
  }
  const dataDir = typeof tree.data_dir === 'string' ? tree.data_dir : './data';
  const db = (tree.db ?? {}) as Tree;
  if (!db.url) setPath(tree, 'db.url', `sqlite:${join(dataDir, 'keel.db')}`);

  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const envName = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
    throw new ConfigError(`invalid config ${key}${envName ? ` (${envName})` : ''}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

/** The effective config with every secret replaced by `***`, for GET /config and start-up logs. */
export function redactConfig(config: Config): Tree {
  const copy = structuredClone(config) as Tree;
  for (const key of SECRET_KEYS) {
    const value = getPath(copy, key);
    if (typeof value === 'string' && value !== '') setPath(copy, key, '***');
  }
  copy.db = { ...(copy.db as Tree), url: redactUrlPassword(config.db.url) };
  return copy;
}

function redactUrlPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Replaces ${VAR} and ${VAR:-default} in a string; an unset ${VAR} without default is an error. */
export function substituteVariables(text: string, env: Env, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`invalid config ${where}: \${${name}} is not set and has no default`);
  });
}

function readYaml(file: string, env: Env, required: boolean): Tree {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`invalid config: ${file} not found (set CONFIG_DIR)`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`invalid config ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`invalid config ${file}: top level must be a mapping`);
  return substituteTree(parsed as Tree, env, '');
}

function substituteTree(tree: Tree, env: Env, prefix: string): Tree {
  const out: Tree = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[key] = substituteVariables(value, env, path);
    else if (value && typeof value === 'object' && !Array.isArray(value)) out[key] = substituteTree(value as Tree, env, path);
    else out[key] = value;
  }
  return out;
}

function deepMerge(target: Tree, source: Tree): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
      deepMerge(current as Tree, value as Tree);
    } else {
      target[key] = value;
    }
  }
}

function getPath(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Tree;
  }
  node[keys.at(-1)!] = value;
}
