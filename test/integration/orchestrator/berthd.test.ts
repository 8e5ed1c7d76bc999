// The orchestrator on berthd itself, with what berthd serves today (no networks or volumes yet):
// `network_mode: none` services converge exactly as on Docker — create, no-op, recreate one
// service, scale, logs, down.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../../src/api/client/index.js';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { ensureBuilt, startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { berth, type RunResult } from './engine.js';

let daemon: TestDaemon | undefined;
let client: EngineClient | undefined;
let dir = '';
let skip: string | false = false;

const yaml = (mode: string) => `name: bt
services:
  web:
    image: busybox
    command: ["sh", "-c", "echo web $$M; exec sleep 1000"]
    network_mode: none
    environment: {M: ${mode}}
    depends_on: [db]
    stop_signal: SIGKILL
  db:
    image: busybox
    command: ["sleep", "1000"]
    network_mode: none
    stop_signal: SIGKILL
`;

before(async () => {
  if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
  ensureBuilt();
  daemon = await startTestDaemon({ runtime: 'runc' });
  client = EngineClient.fromHost(daemon.dockerHost);
  dir = mkdtempSync('/tmp/orch-berthd-');
  const r = await berth(daemon.dockerHost, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, makeBusyboxTar(join(dir, 'bb.tar')), 'busybox:latest'], dir);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  if (daemon) {
    await berth(daemon.dockerHost, ['compose', 'down', '-t', '0'], dir).catch(() => undefined);
    client?.close();
    await daemon.stop();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function compose(args: string[]): Promise<RunResult> {
  const r = await berth(daemon!.dockerHost, ['compose', ...args], dir);
  assert.equal(r.code, 0, `compose ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

async function ids(): Promise<Record<string, string>> {
  const list = await client!.containers.list({ all: true, filters: { label: ['com.docker.compose.project=bt'] } });
  return Object.fromEntries(list.map((c) => [c.Names[0].replace(/^\//, ''), c.Id]));
}

test('on berthd: up, a no-op up, a changed service recreated alone, scale, logs, events, images and down --rmi', async (t) => {
  if (skip) return t.skip(skip);
  const started = Date.now();
  writeFileSync(join(dir, 'compose.yaml'), yaml('one'));
  const first = await compose(['up', '-d']);
  assert.ok(first.stderr.indexOf(' Container bt-db-1  Started') < first.stderr.indexOf(' Container bt-web-1  Starting'), first.stderr);
  const before = await ids();
  assert.deepEqual(Object.keys(before).sort(), ['bt-db-1', 'bt-web-1']);
  const noop = await compose(['up', '-d']);
  assert.doesNotMatch(noop.stderr, /Creat|Start/);
  assert.equal((await compose(['up', '-d', '--progress', 'quiet'])).stderr, '');
  assert.deepEqual(await ids(), before);
  writeFileSync(join(dir, 'compose.yaml'), yaml('two'));
  await compose(['up', '-d']);
  const after = await ids();
  assert.equal(after['bt-db-1'], before['bt-db-1']);
  assert.notEqual(after['bt-web-1'], before['bt-web-1']);
  await compose(['up', '-d', '--scale', 'web=2']);
  assert.deepEqual(Object.keys(await ids()).sort(), ['bt-db-1', 'bt-web-1', 'bt-web-2']);
  const logs = (await compose(['logs', 'web'])).stdout.split('\n');
  assert.ok(logs.includes('web-1  | web two') && logs.includes('web-2  | web two'), logs.join('\n'));
  // events: what happened since the test began, up to now, for one service.
  const since = String(Math.floor(started / 1000) - 1);
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  const ev = (await compose(['events', '--json', '--since', since, '--until', until, 'db'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { service: string; action: string; id: string });
  assert.ok(ev.length > 0 && ev.every((e) => e.service === 'db'), JSON.stringify(ev));
  assert.ok(ev.some((e) => e.action === 'start' && e.id === after['bt-db-1']), JSON.stringify(ev));
  const images = (await compose(['images'])).stdout.split('\n');
  assert.match(images[0], /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$/);
  assert.match(images[1], /^bt-db-1\s+busybox\s+latest\s+[0-9a-f]{12}\s+\d/);
  assert.equal(images.filter(Boolean).length, 4);
  const down = await compose(['down', '-t', '0', '--rmi', 'all']);
  assert.match(down.stderr, / Image busybox {2}Removed/);
  assert.deepEqual(await ids(), {});
  await assert.rejects(client!.images.inspect('busybox'), /No such image|not found/i);
});
