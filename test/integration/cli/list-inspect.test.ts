// `ps`, `images`, `inspect` and the docker error lines, checked as text: columns, phrasing, formats.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, IMAGE } from './engine.js';

const engine = await startEngine();
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI list tests: ${skip}\n`);

describe('berth ps, images, inspect', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  before(async () => {
    await e.berth(['run', '-d', '--name', 'ls-running', '-l', 'tier=web', IMAGE, 'sleep', '300']);
    await e.berth(['run', '--name', 'ls-exited', IMAGE, 'sh', '-c', 'exit 4']);
  });
  after(async () => {
    await e.berth(['rm', '-f', 'ls-running', 'ls-exited']);
    await e.stop();
  });

  test('ps prints docker\'s columns and "Up ..." status for running containers only', async () => {
    const r = await e.berth(['ps']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(header, /^CONTAINER ID {3}IMAGE {12}COMMAND {7}CREATED {2,}STATUS {2,}PORTS {5}NAMES$/);
    const row = rows.find((l) => l.endsWith('ls-running'));
    assert.ok(row, r.stdout);
    assert.match(row, /^[0-9a-f]{12} {3}busybox:latest {3}"sleep 300" {3}((\d+ seconds?|Less than a second) ago) +Up /);
    assert.match(row, /Up (Less than a second|\d+ seconds?)/);
    assert.ok(!r.stdout.includes('ls-exited'));
  });

  test('ps -a shows exited containers as "Exited (code) ... ago"; -q, -n, -l and --filter narrow the list', async () => {
    const all = await e.berth(['ps', '-a', '--format', '{{.Names}}|{{.Status}}|{{.State}}']);
    assert.match(all.stdout, /ls-exited\|Exited \(4\) (Less than a second|\d+ seconds?) ago\|exited/);
    const q = await e.berth(['ps', '-q', '--filter', 'name=ls-running']);
    assert.match(q.stdout, /^[0-9a-f]{12}\n$/);
    const noTrunc = await e.berth(['ps', '-q', '--no-trunc', '--filter', 'label=tier=web']);
    assert.match(noTrunc.stdout, /^[0-9a-f]{64}\n$/);
    const latest = await e.berth(['ps', '-l', '--format', '{{.Names}}']);
    assert.equal(latest.stdout, 'ls-exited\n');
    const last2 = await e.berth(['ps', '-n', '2', '--format', '{{.Names}}']);
    assert.equal(last2.stdout, 'ls-exited\nls-running\n');
    const exited = await e.berth(['ps', '-a', '--filter', 'status=exited', '--filter', 'name=ls-', '--format', '{{.Names}}']);
    assert.equal(exited.stdout, 'ls-exited\n');
  });

  test('ps --format supports table, json and label lookups', async () => {
    const t = await e.berth(['ps', '--filter', 'name=ls-running', '--format', 'table {{.Names}}\\t{{.Label "tier"}}\\t{{.Labels}}']);
    assert.equal(t.stdout, 'NAMES        LABEL     LABELS\nls-running   web       tier=web\n');
    const j = await e.berth(['ps', '--filter', 'name=ls-running', '--format', 'json']);
    const obj = JSON.parse(j.stdout) as Record<string, string>;
    assert.equal(obj.Names, 'ls-running');
    assert.equal(obj.Command, '"sleep 300"');
    assert.equal(obj.State, 'running');
  });

  test('images prints repository, tag, short ID, "... ago" and a human size', async () => {
    const r = await e.berth(['images']);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.equal(header.replace(/ +/g, ' '), 'REPOSITORY TAG IMAGE ID CREATED SIZE');
    assert.match(header, /^REPOSITORY {3}TAG {7}IMAGE ID {7}CREATED {2,}SIZE$/);
    const row = rows.find((l) => l.startsWith('busybox '));
    assert.match(row ?? '', /^busybox {6}latest {4}[0-9a-f]{12} {3}(Less than a second|\d+ (seconds?|minutes?)) ago {3,}\d+(\.\d+)?MB$/);
    const q = await e.berth(['images', '-q', 'busybox']);
    assert.match(q.stdout, /^[0-9a-f]{12}\n$/);
    const f = await e.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=busybox']);
    assert.equal(f.stdout, 'busybox:latest\n');
  });

  test('inspect prints a JSON array, -f templates, --type; unknown names fail like docker', async () => {
    const c = await e.berth(['inspect', 'ls-running']);
    const parsed = JSON.parse(c.stdout) as { Name: string; State: { Running: boolean } }[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].Name, '/ls-running');
    assert.ok(c.stdout.startsWith('[\n    {\n        "'), 'indented by 4 like docker');
    const img = await e.berth(['inspect', '--type', 'image', '-f', '{{json .Config.Env}}', IMAGE]);
    assert.match(img.stdout, /^\["PATH=\/usr\/local\/sbin:/);
    const missing = await e.berth(['inspect', 'nosuch']);
    assert.equal(missing.stdout, '[]\n');
    assert.equal(missing.stderr, 'Error: No such object: nosuch\n');
    assert.equal(missing.code, 1);
  });

  test('per-container errors read "Error response from daemon: ..." and exit 1', async () => {
    const rm = await e.berth(['rm', 'nosuch']);
    assert.equal(rm.stderr, 'Error response from daemon: No such container: nosuch\n');
    assert.equal(rm.code, 1);
    const stop = await e.berth(['stop', '-t', '0', 'nosuch', 'ls-running']);
    assert.equal(stop.stdout, 'ls-running\n');
    assert.equal(stop.stderr, 'Error response from daemon: No such container: nosuch\n');
    assert.equal(stop.code, 1);
    const logs = await e.berth(['logs', 'nosuch']);
    assert.equal(logs.code, 1);
    assert.match(logs.stderr, /^Error response from daemon: No such container: nosuch\n$/);
  });
});
