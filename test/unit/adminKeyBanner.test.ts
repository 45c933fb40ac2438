import { describe, expect, it } from 'vitest';
import { adminKeyBannerText } from '../../lib/adminKey.ts';

// The start banner prints the admin key only when Keel has just generated it; a configured key stays out of terminal logs.
describe('adminKeyBannerText', () => {
  it('shows a generated key once, with where it is kept', () => {
    expect(adminKeyBannerText({ key: 'keel_new', source: 'generated' }, '/data')).toBe('keel_new (generated; kept in /data/admin-api-key)');
  });

  it('never shows a key from API_ADMIN_KEY or from the file', () => {
    expect(adminKeyBannerText({ key: 'secret-from-env', source: 'config' }, '/data')).not.toContain('secret-from-env');
    expect(adminKeyBannerText({ key: 'secret-in-file', source: 'file' }, '/data')).toBe('in /data/admin-api-key');
  });
});
