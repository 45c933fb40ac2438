import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig, substituteVariables } from '../../lib/config.ts';

const repoConfig = join(import.meta.dirname, '..', '..', 'config');

describe('loadConfig', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function configDir(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('gives the contract defaults with no environment at all', () => {
    const config = loadConfig({ CONFIG_DIR: repoConfig });
    expect(config).toMatchObject({
      app_env: 'development',
      data_dir: './data',
      db: { url: 'sqlite:data/keel.db' },
      temporal: { address: '127.0.0.1:7233', namespace: 'default', ui_port: 8233 },
      api: { host: '127.0.0.1', port: 8080, admin_key: '', max_body_bytes: 1_048_576 },
      schedule: { min_interval_ms: 10_000 },
      log: { level: 'info' },
      market_data: { provider: 'simulated', base_url: 'https://api.binance.com' },
      notify: { channel: 'log', telegram_api_base_url: 'https://api.telegram.org' },
    });
  });

  it('lets the environment win over default.yaml and the APP_ENV overlay', () => {
    const config = loadConfig({ CONFIG_DIR: repoConfig, APP_ENV: 'production', API_PORT: '9090', DATA_DIR: '/srv/keel', MARKET_DATA_PROVIDER: 'simulated' });
    expect(config.app_env).toBe('production');
    expect(config.api).toMatchObject({ host: '0.0.0.0', port: 9090 });
    expect(config.market_data.provider).toBe('simulated');
    expect(config.db.url).toBe('sqlite:/srv/keel/keel.db');
  });

  it('substitutes ${VAR} and ${VAR:-default} in YAML values', () => {
    const defaults = readFileSync(join(repoConfig, 'default.yaml'), 'utf8')
      .replace('data_dir: ./data', 'data_dir: ${KEEL_HOME}/data')
      .replace('level: info', 'level: ${LEVEL:-debug}');
    const dir = configDir({ 'default.yaml': defaults });
    const config = loadConfig({ CONFIG_DIR: dir, KEEL_HOME: '/opt/keel' });
    expect(config.data_dir).toBe('/opt/keel/data');
    expect(config.log.level).toBe('debug');
    expect(() => loadConfig({ CONFIG_DIR: dir })).toThrow('invalid config data_dir: ${KEEL_HOME} is not set and has no default');
  });

  it.each([
    [{ API_PORT: 'eighty' }, /^invalid config api\.port \(API_PORT\): /],
    [{ LOG_LEVEL: 'loud' }, /^invalid config log\.level \(LOG_LEVEL\): /],
    [{ DB_URL: 'mysql://x' }, /^invalid config db\.url \(DB_URL\): must be sqlite:<path> or postgresql/],
    [{ TEMPORAL_ADDRESS: 'localhost' }, /^invalid config temporal\.address \(TEMPORAL_ADDRESS\): must be host:port/],
    [{ NOTIFY_CHANNEL: 'webhook' }, /^invalid config notify\.webhook_url \(NOTIFY_WEBHOOK_URL\): is required when notify\.channel is webhook/],
    [{ NOTIFY_CHANNEL: 'telegram' }, /^invalid config notify\.telegram_bot_token \(TELEGRAM_BOT_TOKEN\): is required when notify\.channel is telegram/],
    [{ NOTIFY_CLAIM_LEASE_MS: '5000', NOTIFY_TIMEOUT_MS: '5000' }, /^invalid config notify\.claim_lease_ms \(NOTIFY_CLAIM_LEASE_MS\): must exceed twice/],
    [{ MARKET_DATA_BASE_URL: 'ftp://x' }, /^invalid config market_data\.base_url \(MARKET_DATA_BASE_URL\)/],
    [{ APP_ENV: 'moon' }, /^invalid config app_env \(APP_ENV\)/],
  ])('stops on %j with one line naming the key', (env, message) => {
    let error: unknown;
    try {
      loadConfig({ CONFIG_DIR: repoConfig, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('names a missing config folder', () => {
    expect(() => loadConfig({ CONFIG_DIR: '/nonexistent/keel' })).toThrow(/default\.yaml not found/);
  });

  it('redacts secrets and database passwords', () => {
    const config = loadConfig({ CONFIG_DIR: repoConfig, API_ADMIN_KEY: 'sekrit', DB_URL: 'postgresql://keel:hunter2@db:5432/keel' });
    const shown = redactConfig(config);
    expect(JSON.stringify(shown)).not.toContain('sekrit');
    expect(JSON.stringify(shown)).not.toContain('hunter2');
    expect(shown).toMatchObject({ api: { admin_key: '***' }, db: { url: 'postgresql://keel:***@db:5432/keel' } });
  });
});

describe('substituteVariables', () => {
  it('keeps text without variables and treats an empty variable as unset', () => {
    expect(substituteVariables('plain', {}, 'k')).toBe('plain');
    expect(substituteVariables('${A:-x}-${B}', { A: '', B: 'b' }, 'k')).toBe('x-b');
  });
});
