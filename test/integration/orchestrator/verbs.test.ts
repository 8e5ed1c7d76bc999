// The rest of Compose's verbs and rules end to end, on berthd and on Docker: create/start, cp both
// ways, config, version, events, images, profiles, several -f files, replicas answering as one
// name (DNS round-robin), an optional dependency, a refused key, and `down --rmi all` (last: it
// removes busybox).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, engineKinds, startEngine, SUITE_TIMEOUT_MS, type Engine, type EngineKind, type RunResult } from './engine.js';

function suite(kind: EngineKind): void {
  const PREFIX = `orv${process.pid}`;
  let engine: Engine | undefined;
  let skip: string | false = false;
  let dir = '';
  const projects = new Set<string>();

  before(async () => {
    if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
    const started = await startEngine(kind);
    if (typeof started === 'string') { skip = started; return; }
    engine = started;
    dir = mkdtempSync(join(tmpdir(), 'orch-verbs-'));
  });

  after(async () => {
    if (engine) {
      for (const p of projects) {
        const label = [`com.docker.compose.project=${p}`];
        for (const c of await engine.client.containers.list({ all: true, filters: { label } })) await engine.client.containers.remove(c.Id, { force: true, volumes: true });
        for (const n of await engine.client.networks.list({ label })) await engine.client.networks.remove(n.Id).catch(() => undefined);
        for (const v of await engine.client.volumes.list({ label })) await engine.client.volumes.remove(v.Name).catch(() => undefined);
      }
      await engine.stop();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `<project>.yaml` (and more files by suffix); returns the project name. */
  function project(name: string, yaml: string): string {
    const p = `${PREFIX}${name}`;
    projects.add(p);
    writeFileSync(join(dir, `${p}.yaml`), `name: ${p}\n${yaml}`);
    return p;
  }

  const compose = (p: string, args: string[], files = [`${p}.yaml`]): Promise<RunResult> =>
    berth(engine!.host, ['compose', ...files.flatMap((f) => ['-f', f]), ...args], dir);

  async function ok(p: string, args: string[], files?: string[]): Promise<RunResult> {
    const r = await compose(p, args, files);
    assert.equal(r.code, 0, `compose ${args.join(' ')} failed:\n${r.stderr}`);
    return r;
  }

  async function states(p: string): Promise<Record<string, string>> {
    const list = await engine!.client.containers.list({ all: true, filters: { label: [`com.docker.compose.project=${p}`] } });
    return Object.fromEntries(list.map((c) => [c.Names[0].replace(/^\//, '').slice(p.length + 1), c.State]));
  }

  const SLEEPER = `services:
  box:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`;

  test('version, config, create then start, and cp into and out of a service', async (t) => {
    if (skip) return t.skip(skip);
    t.diagnostic(`engine: ${engine!.kind}`);
    const p = project('cp', SLEEPER);
    assert.match((await ok(p, ['version'])).stdout, /version/);
    assert.match((await ok(p, ['config', '--services'])).stdout, /^box\n$/);
    const created = await ok(p, ['create']);
    assert.match(created.stderr, new RegExp(` Container ${p}-box-1  Created`));
    assert.deepEqual(await states(p), { 'box-1': 'created' });
    await ok(p, ['start']);
    assert.deepEqual(await states(p), { 'box-1': 'running' });
    writeFileSync(join(dir, 'in.txt'), 'copied in\n');
    await ok(p, ['cp', './in.txt', 'box:/tmp/in.txt']);
    assert.equal((await ok(p, ['exec', '-T', 'box', 'cat', '/tmp/in.txt'])).stdout, 'copied in\n');
    await ok(p, ['exec', '-T', 'box', 'sh', '-c', 'echo from the box > /tmp/out.txt']);
    await ok(p, ['cp', 'box:/tmp/out.txt', './out.txt']);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'from the box\n');
    const missing = await compose(p, ['cp', './in.txt', 'nope:/tmp']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such service: nope/);
    await ok(p, ['down', '-t', '0']);
  });

  test('profiles: a service in a profile starts only with --profile; an optional dependency on it is skipped', async (t) => {
    if (skip) return t.skip(skip);
    const p = project('prof', `services:
  app:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: {debug: {condition: service_started, required: false}}
  debug:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    profiles: [tools]
`);
    await ok(p, ['up', '-d']);
    assert.deepEqual(await states(p), { 'app-1': 'running' });
    await ok(p, ['--profile', 'tools', 'up', '-d']);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'debug-1': 'running' });
    await ok(p, ['--profile', 'tools', 'down', '-t', '0']);
    assert.deepEqual(await states(p), {});
  });

  test('several -f files merge: the override changes one service and adds another', async (t) => {
    if (skip) return t.skip(skip);
    const p = project('multi', `services:
  web:
    image: busybox
    command: ["sh", "-c", "echo mode=$$MODE; exec sleep 1000"]
    stop_signal: SIGKILL
    environment: {MODE: base}
`);
    writeFileSync(join(dir, `${p}.override.yaml`), `services:
  web:
    environment: {MODE: override}
  extra:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    const files = [`${p}.yaml`, `${p}.override.yaml`];
    await ok(p, ['up', '-d'], files);
    assert.deepEqual(await states(p), { 'extra-1': 'running', 'web-1': 'running' });
    const web = await engine!.client.containers.inspect(`${p}-web-1`);
    assert.ok(web.Config.Env?.includes('MODE=override'), String(web.Config.Env));
    assert.equal(web.Config.Labels?.['com.docker.compose.project.config_files'], files.map((f) => join(dir, f)).join(','));
    await ok(p, ['down', '-t', '0'], files);
  });

  test('replicas: the service name resolves to every replica (DNS round-robin)', async (t) => {
    if (skip) return t.skip(skip);
    const p = project('rr', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    deploy: {replicas: 3}
  client:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    await ok(p, ['up', '-d']);
    assert.deepEqual(await states(p), { 'client-1': 'running', 'web-1': 'running', 'web-2': 'running', 'web-3': 'running' });
    const ips = new Set<string>();
    for (const n of [1, 2, 3]) {
      const c = await engine!.client.containers.inspect(`${p}-web-${n}`);
      ips.add(c.NetworkSettings.Networks?.[`${p}_default`]?.IPAddress ?? '');
    }
    const out = (await ok(p, ['exec', '-T', 'client', 'nslookup', 'web'])).stdout;
    // The answer section, after the server's own address.
    const answered = new Set([...out.split('Name:').slice(1).join('\n').matchAll(/Address(?: \d+)?:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]));
    assert.deepEqual([...answered].sort(), [...ips].sort(), out);
    await ok(p, ['down', '-t', '0']);
  });

  test('a key berth cannot apply is refused by name before anything is created', async (t) => {
    if (skip) return t.skip(skip);
    const p = project('refuse', `services:
  box:
    image: busybox
    mac_address: 02:42:ac:11:00:02
`);
    const r = await compose(p, ['up', '-d']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /service "box": "mac_address" is not supported by berth compose yet/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(await states(p), {});
  });

  test('events and images list the project\'s own; down --rmi all removes the image', async (t) => {
    if (skip) return t.skip(skip);
    const started = Date.now();
    const p = project('ev', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: [db]
  db:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    await ok(p, ['up', '-d']);
    assert.equal((await ok(p, ['up', '-d', '--progress', 'quiet'])).stderr, '');
    const json = (await ok(p, ['up', '-d', '--progress', 'json'])).stderr.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
    assert.deepEqual(json.find((e) => e.id === `Container ${p}-web-1`)?.status, 'Running');
    const db = (await engine!.client.containers.inspect(`${p}-db-1`)).Id;
    const since = String(Math.floor(started / 1000) - 1);
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const ev = (await ok(p, ['events', '--json', '--since', since, '--until', until, 'db'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { service: string; action: string; id: string });
    assert.ok(ev.length > 0 && ev.every((e) => e.service === 'db'), JSON.stringify(ev));
    assert.ok(ev.some((e) => e.action === 'start' && e.id === db), JSON.stringify(ev));
    const images = (await ok(p, ['images'])).stdout.split('\n');
    assert.match(images[0], /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$/);
    assert.match(images[1], new RegExp(`^${p}-db-1\\s+busybox\\s+latest\\s+[0-9a-f]{12}\\s+\\d`));
    assert.equal(images.filter(Boolean).length, 3);
    const down = await ok(p, ['down', '-t', '0', '--rmi', 'all']);
    assert.match(down.stderr, / Image busybox {2}Removed/);
    assert.deepEqual(await states(p), {});
    await assert.rejects(engine!.client.images.inspect('busybox'), /No such image|not found/i);
  });
}

for (const kind of engineKinds()) describe(`on ${kind}`, { timeout: SUITE_TIMEOUT_MS }, () => suite(kind));
