import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Vitest forgives what Node does not (named imports from CommonJS packages, say): the entry points run on plain Node.
const root = join(import.meta.dirname, '..', '..');
const ENTRY_POINTS = /(^|\/)main\.ts$|^scripts\/(start|migrate|dbStatus|dbMigrationCreate)\.ts$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('every module loads on plain Node.js', () => {
  it('imports without a loader error', () => {
    const files = ['lib', 'db', 'api', 'workers', 'activities', 'workflows', 'notifications', 'trading', 'bot', 'scripts'].flatMap(sourceFiles).filter((file) => !ENTRY_POINTS.test(file));
    expect(files.length).toBeGreaterThan(30);
    const script = `for (const file of ${JSON.stringify(files)}) await import('./' + file);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    expect(output).toBe('');
  });
});
