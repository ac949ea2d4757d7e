import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { AGENT_ENTRY, AGENT_ENV, AGENT_HEAP_FLAGS, AGENT_NODE_FLAGS } from '../scripts/agent-runtime.ts';

// No Docker engine runs on the project's machines, so the images cannot be built here. What can be checked is that
// they are consistent with the build the tests do run: every file an image copies out of its build stage exists
// after `npm run build`, and compose refers to Dockerfiles, scripts and volumes that exist.
const ROOT = new URL('..', import.meta.url).pathname;
const DOCKERFILES = readdirSync(join(ROOT, 'docker')).filter((file) => file.endsWith('.Dockerfile'));
const WEB_LANDED = existsSync(join(ROOT, 'apps/web/package.json'));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  network_mode?: string;
  tmpfs?: string[];
  read_only?: boolean;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** `COPY --from=build /repo/<path> <dest>` sources, repository-relative. */
function copiedFromBuild(dockerfile: string): string[] {
  const text = readFileSync(join(ROOT, 'docker', dockerfile), 'utf8');
  return [...text.matchAll(/^COPY\s+--from=build\s+(?:--\S+\s+)*(.+)\s+\S+\s*$/gm)].flatMap((m) =>
    m[1]!.split(/\s+/).map((source) => {
      expect(source.startsWith('/repo/')).toBe(true);
      return source.slice('/repo/'.length);
    }),
  );
}

/** Whether a COPY source exists; `*` matches within one path segment, as Docker's COPY does. */
function sourceExists(source: string): boolean {
  if (!source.includes('*')) return existsSync(join(ROOT, source));
  const pattern = new RegExp(`^${basename(source).replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`);
  const dir = join(ROOT, dirname(source));
  return existsSync(dir) && readdirSync(dir).some((entry) => pattern.test(entry));
}

describe('Dockerfiles', () => {
  it('exist for api, worker, web, agent and the simulator', () => {
    expect(DOCKERFILES.sort()).toEqual(['agent.Dockerfile', 'api.Dockerfile', 'cluster-sim.Dockerfile', 'web.Dockerfile', 'worker.Dockerfile']);
  });

  it.each(DOCKERFILES.filter((file) => file !== 'web.Dockerfile' || WEB_LANDED))('%s copies from its build stage only what `npm run build` produced', (dockerfile) => {
    const sources = copiedFromBuild(dockerfile);
    expect(sources.length).toBeGreaterThanOrEqual(2);
    expect(sources.filter((source) => !sourceExists(source))).toEqual([]);
  });

  it('agent.Dockerfile copies the bundled agent (one file, its source map, its package.json) and no node_modules', () => {
    expect(copiedFromBuild('agent.Dockerfile')).toEqual(['apps/agent/package.json', 'apps/agent/dist']);
    expect(readdirSync(join(ROOT, 'apps/agent/dist'))).toEqual(expect.arrayContaining(['main.js', 'main.js.map']));
    // What the bundle loads at run time are Node's own modules only: a `require` or `import` of a package would
    // need the node_modules the image does not have. (The bundle is minified: `import{x as y}from"node:fs";`.)
    const bundle = readFileSync(join(ROOT, 'apps/agent/dist/main.js'), 'utf8');
    const specifier = '"([@\\w./:-]+)"';
    const loaded = [...bundle.matchAll(new RegExp(`require\\(${specifier}\\)|\\bfrom ?${specifier}|\\bimport ?\\(?${specifier}`, 'g'))].map((m) => m[1] ?? m[2] ?? m[3]!);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))).toEqual([]);
  });

  it('web.Dockerfile copies the web build output (apps/web/dist, next.config distDir) and the config next start reads', () => {
    const sources = copiedFromBuild('web.Dockerfile');
    expect(sources).toEqual(expect.arrayContaining(['apps/web/package.json', 'apps/web/next.config.*', 'apps/web/dist']));
    if (WEB_LANDED) expect(sources.filter((source) => !sourceExists(source))).toEqual([]);
  });

  it.each(DOCKERFILES)('%s is multi-stage, runs as a non-root user, and starts what the npm scripts start', (dockerfile) => {
    const text = readFileSync(join(ROOT, 'docker', dockerfile), 'utf8');
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toMatch(/^FROM node:24-\S+ AS build$/m);
    const user = /^USER (\S+)$/m.exec(text)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    // The build stage runs the same nx target as `npm run build`; the final command names a built entry point.
    const app = dockerfile.replace('.Dockerfile', '');
    expect(text).toContain(`npx nx run @ratchet/${app}:build`);
    if (app !== 'web') {
      const entry = `apps/${app}/dist/main.js`;
      expect(text).toContain(entry);
      expect(existsSync(join(ROOT, entry))).toBe(true);
      const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      // Node flags an image sets (ENV NODE_OPTIONS, e.g. the agent's heap sizing, and flags on its CMD, which V8
      // refuses in NODE_OPTIONS) are the npm script's flags too, and so is the allocator setting (ENV MALLOC_ARENA_MAX).
      const nodeOptions = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(text)?.[1];
      const arenas = /^ENV MALLOC_ARENA_MAX=(\d+)$/m.exec(text)?.[1];
      const cmd = JSON.parse(/^(?:CMD|ENTRYPOINT) (\[.*\])$/m.exec(text)![1]!) as string[];
      expect(cmd[0]).toBe('node');
      expect(cmd.at(-1)).toBe(entry);
      const flags = [...(nodeOptions ? nodeOptions.split(' ') : []), ...cmd.slice(1, -1)];
      const command = `${arenas ? `MALLOC_ARENA_MAX=${arenas} ` : ''}node ${flags.map((f) => `${f} `).join('')}${entry}`;
      if (app === 'agent') {
        // ... and what scripts/agent-runtime.ts gives the demo and the bench.
        expect(flags).toEqual(AGENT_NODE_FLAGS);
        expect(nodeOptions?.split(' ')).toEqual(AGENT_HEAP_FLAGS);
        expect({ MALLOC_ARENA_MAX: arenas }).toEqual(AGENT_ENV);
        expect(entry).toBe(AGENT_ENTRY);
      }
      if (scripts[`start:${app}`]) expect(scripts[`start:${app}`]).toBe(command);
    }
  });
});

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('has Postgres, Redis, one-shot migrations, api, worker, web, and a demo profile with the simulator and an agent', () => {
    expect(Object.keys(services).sort()).toEqual(['agent', 'api', 'cluster-sim', 'migrate', 'postgres', 'redis', 'web', 'worker']);
    expect(services['cluster-sim']!.profiles).toEqual(['demo']);
    expect(services.agent!.profiles).toEqual(['demo']);
    expect(services.migrate!.restart).toBe('no');
    expect(services.api!.depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(services.worker!.depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('web: reaches the api service at RATCHET_API_URL, and its writable cache is inside the build output the image copies (next.config distDir)', () => {
    const web = services.web!;
    expect(web.environment!.RATCHET_API_URL).toBe(`http://api:${services.api!.environment!.PORT}`);
    const distDir = /distDir:\s*'([^']+)'/.exec(readFileSync(join(ROOT, 'apps/web/next.config.ts'), 'utf8'))?.[1];
    expect(copiedFromBuild('web.Dockerfile')).toContain(`apps/web/${distDir}`);
    expect(web.read_only).toBe(true);
    expect(web.tmpfs).toEqual([`/app/apps/web/${distDir}/cache`]);
    // The API believes the web container's X-Forwarded-For and checks cookie requests against the web's origin.
    expect(services.api!.environment!.RATCHET_TRUSTED_PROXIES).toMatch(/uniquelocal/);
    expect(services.api!.environment!.RATCHET_PUBLIC_URL).toContain(':3000');
  });

  it('builds every image from an existing Dockerfile, and runs scripts that exist in it', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) {
        expect(service.image).toMatch(/^(postgres|redis):/);
        continue;
      }
      expect(service.build.context).toBe('.');
      expect(existsSync(join(ROOT, service.build.dockerfile))).toBe(true);
      const dockerfile = readFileSync(join(ROOT, service.build.dockerfile), 'utf8');
      // A command that runs a file with node: the image must copy it (or its directory) from the build.
      if (service.command?.[0] === 'node') {
        const script = service.command[1]!;
        expect(existsSync(join(ROOT, script))).toBe(true);
        expect(copiedFromBuild(basename(service.build.dockerfile)).some((source) => script.startsWith(source))).toBe(true);
      }
      expect(dockerfile.length).toBeGreaterThan(0);
      expect([name, service.restart]).toEqual([name, expect.stringMatching(/^(unless-stopped|no|on-failure:\d+)$/)]);
    }
    expect(services.migrate!.command).toEqual(['node', 'libs/db/dist/migrate/migrate.cli.js']);
  });

  it('gives every long-running service a health check and its data named volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'migrate') continue;
      expect([name, Array.isArray(service.healthcheck?.test)]).toEqual([name, true]);
    }
    for (const [, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) expect(Object.keys(compose.volumes)).toContain(volume.split(':')[0]);
    }
  });

  it('bakes in no secret: passwords and tokens come from variables (.env)', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*\w*(PASSWORD|TOKEN|SECRET):\s*[^$\s{]/m);
    expect(text).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
    expect(services.agent!.environment!.RATCHET_AGENT_TOKEN).toBe('${RATCHET_DEMO_AGENT_TOKEN:-}');
    for (const service of Object.values(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|TOKEN|SECRET/.test(key)) expect(String(value)).toMatch(/^\$\{/);
        if (key === 'DATABASE_URL') expect(String(value)).toContain('${POSTGRES_PASSWORD:?');
      }
    }
    expect(existsSync(join(ROOT, '.env.example'))).toBe(true);
  });
});
