import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

export interface AdminKey {
  key: string;
  /** Where it came from, for the start-up banner. */
  source: 'config' | 'file' | 'generated';
}

/** API_ADMIN_KEY when set; else the key kept in <data_dir>/admin-api-key, generated on first start. */
export function resolveAdminKey(config: Pick<Config, 'api' | 'data_dir'>): AdminKey {
  if (config.api.admin_key) return { key: config.api.admin_key, source: 'config' };
  const file = join(config.data_dir, 'admin-api-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: 'file' };
  mkdirSync(config.data_dir, { recursive: true });
  const key = `keel_${randomBytes(24).toString('base64url')}`;
  // 'wx' fails if another process wrote it first; then theirs is the key.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    return { key: readFileSync(file, 'utf8').trim(), source: 'file' };
  }
  return { key, source: 'generated' };
}

/** What the start banner says about the key: the key itself only when Keel just generated it, so a configured one stays out of terminal logs. */
export function adminKeyBannerText(adminKey: AdminKey, dataDir: string): string {
  const file = join(dataDir, 'admin-api-key');
  if (adminKey.source === 'generated') return `${adminKey.key} (generated; kept in ${file})`;
  return adminKey.source === 'file' ? `in ${file}` : 'from API_ADMIN_KEY (api.admin_key)';
}
