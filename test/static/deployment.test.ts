import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_KEYS } from '../../lib/config.ts';
import { activeTaskQueues } from '../../lib/jobTypes.ts';

// No Docker engine runs here: docker-compose.yml and the Dockerfile are checked as text, against the repo and the variables lib/config.ts reads.

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: string[] | Record<string, unknown>;
  environment?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

const composeText = read('docker-compose.yml');
// Compose resolves `<<` merge keys, so the parse must too.
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
// Services that run the Keel image (built from this repo), as opposed to PostgreSQL and Temporal.
const keelServices = services.filter(([, service]) => service.build !== undefined);
// One line per instruction: backslash continuations joined.
const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
const instructions = (name: string) => dockerfile.split('\n').filter((line) => new RegExp(`^${name}\\s`, 'i').test(line));

/** The variables Keel reads: the ones that select config files, and those that override config keys. */
function documentedVariables(): string[] {
  return ['APP_ENV', 'CONFIG_DIR', ...Object.keys(ENV_KEYS)];
}

/** A service's environment as a map, whichever of compose's two forms (map or KEY=value list) it uses. */
function environmentOf(service: ComposeService): Record<string, unknown> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((entry) => entry.split(/=(.*)/s)));
}

describe('docker-compose.yml', () => {
  it('gives every service an image or a build', () => {
    for (const [name, service] of services) expect(service.image ?? service.build, name).toBeDefined();
  });

  it('pins every pulled image to a version', () => {
    for (const [name, service] of services.filter(([, s]) => s.build === undefined)) {
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('names only existing services in depends_on', () => {
    for (const [name, service] of services) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect(compose.services, `${name} depends on ${dependency}`).toHaveProperty([dependency]);
    }
  });

  it('runs one worker service per task queue that has job types, each on its own queue', () => {
    const workers = keelServices.filter(([, service]) => service.command?.includes('workers/main.ts'));
    const queues = workers.map(([, service]) => service.command?.[service.command.indexOf('--queue') + 1]);
    expect(queues.toSorted()).toEqual(activeTaskQueues().toSorted());
    for (const [name, service] of workers) {
      expect(service.command, name).toEqual(['node', 'workers/main.ts', '--queue', name.replace(/^worker-/, '')]);
    }
  });

  it('checks each worker through its own readiness endpoint, on the port it is told to serve', () => {
    const workers = keelServices.filter(([, service]) => service.command?.includes('workers/main.ts'));
    for (const [name, service] of workers) {
      const port = environmentOf(service).WORKER_HEALTH_PORT;
      expect(port, name).toBeDefined();
      expect(service.healthcheck?.test?.join(' '), name).toContain(`127.0.0.1:${String(port)}/health/ready`);
    }
  });

  it('uses only ${VAR}s that Keel reads or that have a default', () => {
    const documented = documentedVariables();
    // $$ escapes a literal dollar; `:-` and `-` give a default, `:?` only an error message.
    const uses = [...composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)?/g)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [use, name, defaultOperator] of uses) {
      if (!defaultOperator) expect(documented, use).toContain(name);
    }
  });

  it('sets only documented variables in the Keel services, and points them at the compose PostgreSQL and Temporal', () => {
    const documented = documentedVariables();
    for (const [name, service] of keelServices) {
      const environment = environmentOf(service);
      for (const variable of Object.keys(environment)) expect(documented, `${name}: ${variable}`).toContain(variable);
      expect(environment, name).toMatchObject({ DB_URL: expect.stringMatching(/@postgres:5432\//), TEMPORAL_ADDRESS: 'temporal:7233' });
    }
  });

  it('runs only files that exist in the repo', () => {
    const entryPoints = keelServices.map(([, service]) => service.command?.[1]);
    expect(entryPoints).toEqual(expect.arrayContaining(['api/main.ts', 'workers/main.ts', 'scripts/migrate.ts']));
    for (const [name, service] of keelServices) {
      expect(service.command?.[0], name).toBe('node');
      expect(existsSync(join(root, service.command?.[1] ?? '')), `${name} runs ${service.command?.[1]}`).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  it('builds on a pinned Node 24 image', () => {
    const bases = instructions('FROM');
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^FROM\s+node:24\.\d+\.\d+(-[\w.-]+)?(@sha256:[0-9a-f]{64})?(\s|$)/i);
  });

  it('runs as a non-root user', () => {
    const user = instructions('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/i);
  });

  it('installs the locked production dependencies with npm ci', () => {
    expect(dockerfile).toMatch(/^RUN\s.*\bnpm ci\b.*--omit=dev/m);
  });

  it('checks the API liveness endpoint', () => {
    const healthcheck = instructions('HEALTHCHECK').at(-1);
    expect(healthcheck).toMatch(/\sCMD\s.*\/health\/live/);
  });

  it('starts the API from a file that exists', () => {
    const command = instructions('CMD').at(-1) ?? '';
    const [executable, file] = JSON.parse(command.replace(/^CMD\s+/i, '')) as string[];
    expect(executable).toBe('node');
    expect(existsSync(join(root, file ?? ''))).toBe(true);
  });
});
