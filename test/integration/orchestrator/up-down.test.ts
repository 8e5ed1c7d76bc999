// `berth compose up/ps/logs/down` end to end on a real engine: convergence (a no-op up touches
// nothing, a changed service alone is recreated), scale, depends_on order, volumes and networks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, engineKinds, startEngine, SUITE_TIMEOUT_MS, type Engine, type EngineKind, type RunResult } from './engine.js';

function suite(kind: EngineKind): void {
  const PROJECT = `orch${process.pid}`;
  let engine: Engine | undefined;
  let skip: string | false = false;
  let dir = '';

  const compose = (mode: string, extra = '') => `
name: ${PROJECT}
services:
  web:
    image: busybox
    command: ["sh", "-c", "echo web says $$MODE; exec sleep 1000"]
    stop_signal: SIGKILL
    depends_on: [db]
    environment: {MODE: ${mode}}
  db:
    image: busybox
    command: ["sh", "-c", "echo db ready; exec sleep 1000"]
    stop_signal: SIGKILL
    volumes: [data:/data]
${extra}volumes:
  data: {}
`;

  before(async () => {
    if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
    const started = await startEngine(kind);
    if (typeof started === 'string') { skip = started; return; }
    engine = started;
    dir = mkdtempSync(join(tmpdir(), 'orch-proj-'));
  });

  after(async () => {
    if (engine) {
      // Whatever a failed test left: the project's containers, networks and volumes.
      await berth(engine.host, ['compose', 'down', '-v', '--remove-orphans', '-t', '0'], dir).catch(() => undefined);
      const label = [`com.docker.compose.project=${PROJECT}`];
      for (const c of await engine.client.containers.list({ all: true, filters: { label } })) await engine.client.containers.remove(c.Id, { force: true, volumes: true });
      for (const n of await engine.client.networks.list({ label })) await engine.client.networks.remove(n.Id).catch(() => undefined);
      for (const v of await engine.client.volumes.list({ label })) await engine.client.volumes.remove(v.Name).catch(() => undefined);
      await engine.stop();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[], timeoutMs?: number): Promise<RunResult> {
    const r = await berth(engine!.host, ['compose', ...args], dir, {}, timeoutMs);
    assert.equal(r.code, 0, `berth compose ${args.join(' ')} failed:\n${r.stderr}`);
    return r;
  }

  /** name → id of the project's containers. */
  async function ids(): Promise<Record<string, string>> {
    const list = await engine!.client.containers.list({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`] } });
    return Object.fromEntries(list.map((c) => [c.Names[0].replace(/^\//, ''), c.Id]));
  }

  const write = (yaml: string) => writeFileSync(join(dir, 'compose.yaml'), yaml);

  test('up -d creates the network, the volume and both services, the dependency started first', async (t) => {
    if (skip) return t.skip(skip);
    t.diagnostic(`engine: ${engine!.kind}`);
    write(compose('one'));
    const r = await run(['up', '-d']);
    const lines = r.stderr.split('\n');
    for (const l of [` Network ${PROJECT}_default  Created`, ` Volume "${PROJECT}_data"  Created`, ` Container ${PROJECT}-db-1  Started`, ` Container ${PROJECT}-web-1  Started`]) {
      assert.ok(lines.includes(l), `missing progress line ${JSON.stringify(l)} in:\n${r.stderr}`);
    }
    assert.ok(lines.indexOf(` Container ${PROJECT}-db-1  Started`) < lines.indexOf(` Container ${PROJECT}-web-1  Starting`), r.stderr);
    const web = await engine!.client.containers.inspect(`${PROJECT}-web-1`);
    assert.equal(web.State.Running, true);
    assert.ok(web.Config.Env?.includes('MODE=one'));
    assert.equal(web.Config.Labels?.['com.docker.compose.service'], 'web');
    assert.equal(web.Config.Labels?.['com.docker.compose.container-number'], '1');
    assert.equal(web.Config.Labels?.['com.docker.compose.oneoff'], 'False');
    assert.equal(web.Config.Labels?.['com.docker.compose.depends_on'], 'db:service_started:false');
    assert.match(web.Config.Labels?.['com.docker.compose.config-hash'] ?? '', /^[0-9a-f]{64}$/);
    assert.ok(web.NetworkSettings.Networks?.[`${PROJECT}_default`], 'web is on the project network');
    assert.ok((web.NetworkSettings.Networks?.[`${PROJECT}_default`].Aliases ?? []).includes('web'));
    const db = await engine!.client.containers.inspect(`${PROJECT}-db-1`);
    assert.ok(db.Mounts.some((m) => m.Name === `${PROJECT}_data` && m.Destination === '/data'));
  });

  test('a second up -d is a no-op: same containers, nothing created or started', async (t) => {
    if (skip) return t.skip(skip);
    const before = await ids();
    const r = await run(['up', '-d']);
    assert.deepEqual(await ids(), before);
    assert.doesNotMatch(r.stderr, /Creat|Start|Recreat/);
    assert.match(r.stderr, new RegExp(` Container ${PROJECT}-web-1  Running`));
  });

  test('ps lists the containers with docker compose columns; -q, --services and json agree', async (t) => {
    if (skip) return t.skip(skip);
    const table = (await run(['ps'])).stdout.trimEnd().split('\n');
    assert.match(table[0], /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
    assert.deepEqual(table.slice(1).map((l) => l.split(/\s+/)[0]), [`${PROJECT}-db-1`, `${PROJECT}-web-1`]);
    assert.match(table[2], /busybox\s+"sh -c 'echo web say…"\s+web\s+.* ago\s+Up /);
    const all = await ids();
    assert.deepEqual((await run(['ps', '-q'])).stdout.trim().split('\n').sort(), Object.values(all).sort());
    assert.equal((await run(['ps', '--services'])).stdout, 'db\nweb\n');
    const json = (await run(['ps', '--format', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Service: string; State: string });
    assert.deepEqual(json.map((j) => [j.Name, j.Service, j.State]), [[`${PROJECT}-db-1`, 'db', 'running'], [`${PROJECT}-web-1`, 'web', 'running']]);
    assert.equal((await run(['ps', '-q', '--status', 'exited'])).stdout, '');
    assert.equal((await run(['ps', '-q', '--status', 'running'])).stdout.trim().split('\n').length, 2);
    const ls = (await run(['ls'])).stdout.split('\n');
    assert.match(ls[0], /^NAME\s+STATUS\s+CONFIG FILES$/);
    assert.ok(ls.some((l) => new RegExp(`^${PROJECT}\\s+running\\(2\\)\\s+${dir}/compose.yaml$`).test(l)), ls.join('\n'));
  });

  test('logs prefixes each line with the container, as Compose does', async (t) => {
    if (skip) return t.skip(skip);
    const out = (await run(['logs'])).stdout.split('\n');
    assert.ok(out.includes('db-1   | db ready'), out.join('\n'));
    assert.ok(out.includes('web-1  | web says one'), out.join('\n'));
    assert.equal((await run(['logs', '--no-log-prefix', 'web'])).stdout, 'web says one\n');
  });

  test('changing one service\'s environment recreates only that service', async (t) => {
    if (skip) return t.skip(skip);
    const before = await ids();
    write(compose('two'));
    const r = await run(['up', '-d']);
    const now = await ids();
    assert.equal(now[`${PROJECT}-db-1`], before[`${PROJECT}-db-1`], 'db untouched');
    assert.notEqual(now[`${PROJECT}-web-1`], before[`${PROJECT}-web-1`], 'web recreated');
    assert.equal(Object.keys(now).length, 2, 'the old web container is gone');
    assert.match(r.stderr, new RegExp(` Container ${PROJECT}-web-1  Recreated`));
    const web = await engine!.client.containers.inspect(`${PROJECT}-web-1`);
    assert.ok(web.Config.Env?.includes('MODE=two'));
    assert.equal(web.State.Running, true);
  });

  test('--scale web=3 adds web-2 and web-3; --scale web=1 removes them again, keeping web-1', async (t) => {
    if (skip) return t.skip(skip);
    const before = await ids();
    await run(['up', '-d', '--scale', 'web=3']);
    const three = await ids();
    assert.deepEqual(Object.keys(three).sort(), [`${PROJECT}-db-1`, `${PROJECT}-web-1`, `${PROJECT}-web-2`, `${PROJECT}-web-3`]);
    assert.equal(three[`${PROJECT}-web-1`], before[`${PROJECT}-web-1`]);
    const running = await engine!.client.containers.list({ filters: { label: [`com.docker.compose.project=${PROJECT}`] } });
    assert.equal(running.length, 4);
    const r = await run(['up', '-d', '--scale', 'web=1']);
    assert.ok(r.stderr.indexOf(`${PROJECT}-web-3  Removing`) >= 0 && r.stderr.indexOf(`${PROJECT}-web-2  Removing`) >= 0, r.stderr);
    const one = await ids();
    assert.deepEqual(Object.keys(one).sort(), [`${PROJECT}-db-1`, `${PROJECT}-web-1`]);
    assert.equal(one[`${PROJECT}-web-1`], before[`${PROJECT}-web-1`]);
  });

  test('a service_healthy dependency that turns healthy late holds its dependent back until then', async (t) => {
    if (skip) return t.skip(skip);
    write(compose('two', `  late:
    image: busybox
    command: ["sh", "-c", "sleep 1; touch /ready; exec sleep 1000"]
    stop_signal: SIGKILL
    healthcheck: {test: ["CMD", "test", "-f", "/ready"], interval: 500ms, retries: 20}
  after:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: {late: {condition: service_healthy}}
`));
    // An engine that never reports the container healthy would hold `up` for ever, as Compose does.
    const r = await run(['up', '-d'], 30_000);
    const lines = r.stderr.split('\n');
    const healthy = lines.indexOf(` Container ${PROJECT}-late-1  Healthy`);
    assert.ok(healthy >= 0, r.stderr);
    assert.ok(healthy < lines.indexOf(` Container ${PROJECT}-after-1  Starting`), r.stderr);
    const late = await engine!.client.containers.inspect(`${PROJECT}-late-1`);
    assert.equal(late.State.Health?.Status, 'healthy');
  });

  test('a service_healthy dependency that exits fails up with its exit code (checked before its health, as Compose does)', async (t) => {
    if (skip) return t.skip(skip);
    // Exits before its first probe; an engine reports a stopped container's health as unhealthy.
    write(compose('two', `  dies:
    image: busybox
    command: ["sh", "-c", "sleep 1; exit 3"]
    healthcheck: {test: ["CMD", "true"], interval: 5s}
  needs:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: {dies: {condition: service_healthy}}
`));
    const r = await berth(engine!.host, ['compose', 'up', '-d'], dir, {}, 60_000);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`dependency failed to start: container ${PROJECT}-dies-1 exited \\(3\\)`));
    write(compose('two'));
    await run(['up', '-d', '--remove-orphans']);
  });

  test('down removes the containers and the network but keeps the named volume and its data; down -v removes it', async (t) => {
    if (skip) return t.skip(skip);
    write(compose('two'));
    await run(['exec', '-T', 'db', 'sh', '-c', 'echo kept > /data/f']);
    const r = await run(['down', '--remove-orphans', '-t', '0']);
    assert.match(r.stderr, new RegExp(` Network ${PROJECT}_default  Removed`));
    assert.deepEqual(await ids(), {});
    const nets = await engine!.client.networks.list({ name: [`${PROJECT}_default`] });
    assert.equal(nets.filter((n) => n.Name === `${PROJECT}_default`).length, 0);
    const volumes = async () => (await engine!.client.volumes.list()).map((v) => v.Name).filter((n) => n === `${PROJECT}_data`);
    assert.deepEqual(await volumes(), [`${PROJECT}_data`], 'a named volume survives down');
    await run(['up', '-d']);
    assert.equal((await run(['exec', '-T', 'db', 'cat', '/data/f'])).stdout, 'kept\n', 'the data outlived down');
    await run(['down', '-v', '-t', '0']);
    assert.deepEqual(await ids(), {});
    assert.deepEqual(await volumes(), [], 'down -v removes it');
  });
}

for (const kind of engineKinds()) describe(`on ${kind}`, { timeout: SUITE_TIMEOUT_MS }, () => suite(kind));
