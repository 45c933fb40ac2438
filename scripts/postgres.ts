import { execFile } from 'node:child_process';
import { access, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { untilShutdownSignal } from '../lib/cli.ts';
import { spawnManaged, type ManagedProcess } from './childProcess.ts';
import { findFreePort } from './freePort.ts';

const run = promisify(execFile);
const DEBIAN_VERSIONS_DIR = '/usr/lib/postgresql';
const SUPERUSER = 'keel';
const READY_TIMEOUT_MS = 30_000;

/** A PostgreSQL server of our own, with a data directory that stop() deletes. */
export interface ThrowawayPostgres {
  /** URL of the `postgres` database, as the superuser `keel` (no password: trust on loopback). */
  url: string;
  /** Stops the server and keeps its data: for tests of a database outage. */
  pause(): Promise<void>;
  /** Starts the paused server again on the same port and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a throw-away PostgreSQL on a free loopback port, tuned for tests (no fsync). */
export async function startPostgres(): Promise<ThrowawayPostgres> {
  const bin = await postgresBinDir();
  // PostgreSQL refuses to run as root; then it runs as the `postgres` user the Debian package creates.
  const owner = process.getuid?.() === 0 ? await postgresUser() : undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'keel-pg-'));
  const port = await findFreePort();
  const client = ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER];

  let server: ManagedProcess | undefined;
  // SIGINT is PostgreSQL's fast shutdown: it ends sessions instead of waiting for them.
  const pause = async () => server?.stop('SIGINT');
  const resume = async () => {
    server = spawnManaged(
      join(bin, 'postgres'),
      ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', dataDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      { ...owner, cwd: dataDir },
    );
    await server.waitUntil(() => succeeds(join(bin, 'pg_isready'), [...client, '-d', 'postgres', '-t', '1']), READY_TIMEOUT_MS);
  };
  const stop = async () => {
    await pause();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    if (owner) await chown(dataDir, owner.uid, owner.gid);
    // The C locale makes initdb work, and sort the same, whatever locale the machine has.
    await run(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', SUPERUSER, '--no-sync', '-E', 'UTF8', '--no-locale'], { ...owner, cwd: dataDir });
    await resume();
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`, pause, resume, stop };
}

/** The newest Debian PostgreSQL, else the one pg_config names; installs the Debian package when root and there is none. */
async function postgresBinDir(): Promise<string> {
  const found = (await debianBinDir()) ?? (await pgConfigBinDir());
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL not found: install it (apt-get install postgresql) or put its pg_config on PATH');
  console.error('keel: installing PostgreSQL with apt-get (none found)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
  const installed = await debianBinDir();
  if (!installed) throw new Error(`apt-get installed postgresql, but no ${DEBIAN_VERSIONS_DIR}/*/bin/postgres appeared`);
  return installed;
}

async function debianBinDir(): Promise<string | undefined> {
  const versions = await readdir(DEBIAN_VERSIONS_DIR).catch(() => []);
  const newestFirst = versions.filter((version) => /^\d+$/.test(version)).sort((a, b) => Number(b) - Number(a));
  for (const version of newestFirst) {
    const bin = join(DEBIAN_VERSIONS_DIR, version, 'bin');
    if (await hasServer(bin)) return bin;
  }
  return undefined;
}

async function pgConfigBinDir(): Promise<string | undefined> {
  const bin = await run('pg_config', ['--bindir']).then(({ stdout }) => stdout.trim(), () => undefined);
  // Debian's libpq-dev ships a pg_config whose bindir (/usr/bin) holds no server.
  return bin && (await hasServer(bin)) ? bin : undefined;
}

function hasServer(bin: string): Promise<boolean> {
  return access(join(bin, 'initdb')).then(() => access(join(bin, 'postgres'))).then(() => true, () => false);
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error('running as root: PostgreSQL needs the non-root user `postgres` (the Debian package creates it)');
  }
}

function succeeds(command: string, args: string[]): Promise<boolean> {
  return run(command, args).then(() => true, () => false);
}

// `node scripts/postgres.ts`: a throw-away PostgreSQL for humans, until Ctrl-C.
if (import.meta.main) {
  const postgres = await startPostgres();
  console.log(`PostgreSQL at ${postgres.url}; Ctrl-C stops it and deletes its data.`);
  await untilShutdownSignal();
  await postgres.stop();
}
