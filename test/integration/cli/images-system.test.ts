// Image verbs (import --change/-m, tag, rmi, history, save/load, image prune) and the system
// verbs (version, info, events, system df).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startEngine, IMAGE } from './engine.js';

const BERTH = resolve(import.meta.dirname, '../../../bin/berth');

const engine = await startEngine();
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI image/system tests: ${skip}\n`);

describe('berth image and system verbs', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  const dir = mkdtempSync(join(tmpdir(), 'bcli-img-'));
  after(async () => {
    await e.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('import applies --change and -m; the image runs its CMD', async () => {
    const tar = makeBusyboxTar(join(dir, 'rootfs.tar'));
    const r = await e.berth(['import', '-c', 'ENV PATH=/bin:/usr/bin', '-c', 'CMD ["echo", "from-cmd"]', '-c', 'WORKDIR /tmp', '-m', 'imported by test', tar, 'imp:v1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const run = await e.berth(['run', '--rm', 'imp:v1']);
    assert.equal(run.stdout, 'from-cmd\n');
    const i = await e.berth(['image', 'inspect', '-f', '{{.Config.WorkingDir}}|{{.Comment}}', 'imp:v1']);
    assert.equal(i.stdout, '/tmp|imported by test\n');
    const h = await e.berth(['history', 'imp:v1']);
    assert.match(h.stdout, /^IMAGE {10}CREATED {3,}CREATED BY {3,}SIZE {6}COMMENT\n[0-9a-f]{12} {3}.* ago .*imported by test\n$/);
  });

  test('tag adds a name; rmi untags, then deletes; unknown images fail like docker', async () => {
    assert.equal((await e.berth(['tag', 'imp:v1', 'imp:v2'])).code, 0);
    assert.match((await e.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', 'imp'])).stdout, /imp:v1\nimp:v2\n|imp:v2\nimp:v1\n/);
    assert.equal((await e.berth(['rmi', 'imp:v2'])).stdout, 'Untagged: imp:v2\n');
    const gone = await e.berth(['rmi', 'imp:v1']);
    assert.match(gone.stdout, /^Untagged: imp:v1\nDeleted: sha256:[0-9a-f]{64}\n/);
    const missing = await e.berth(['rmi', 'nosuch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error response from daemon: No such image: nosuch(:latest)?\n$/);
  });

  test('rmi refuses an image a container uses unless -f', async () => {
    const tar = makeBusyboxTar(join(dir, 'solo.tar'));
    assert.equal((await e.berth(['import', tar, 'solo:1'])).code, 0);
    assert.equal((await e.berth(['create', '--name', 'user', 'solo:1', 'sh'])).code, 0);
    const refused = await e.berth(['rmi', 'solo:1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error response from daemon: .*solo:1.*\n$/);
    const forced = await e.berth(['rmi', '-f', 'solo:1']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^Untagged: solo:1\n/);
    await e.berth(['rm', 'user']);
  });

  test('save writes a docker-save tar that load brings back', async () => {
    await e.berth(['tag', IMAGE, 'roundtrip:1']);
    const out = join(dir, 'saved.tar');
    assert.equal((await e.berth(['save', '-o', out, 'roundtrip:1'])).code, 0);
    assert.ok(statSync(out).size > 100_000);
    await e.berth(['rmi', 'roundtrip:1']);
    const l = await e.berth(['load', '-i', out]);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /Loaded image: roundtrip:1\n/);
    assert.equal((await e.berth(['run', '--rm', 'roundtrip:1', 'echo', 'loaded'])).stdout, 'loaded\n');
    await e.berth(['rmi', 'roundtrip:1']);
  });

  test('image prune -f reports the reclaimed space', async () => {
    const r = await e.berth(['image', 'prune', '-f']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total reclaimed space: \d+(\.\d+)?[kMG]?B\n$/);
  });

  test('version shows client and server; negotiation picks at most 1.44', async () => {
    const r = await e.berth(['version']);
    assert.match(r.stdout, /^Client:\n Version: +0\.1\.0\n API version: +1\.\d+/);
    assert.match(r.stdout, /\nServer:.*\n Engine:\n {2}Version: /);
    const f = await e.berth(['version', '-f', '{{.Client.ApiVersion}}']);
    const v = Number(f.stdout.trim().split('.')[1]);
    assert.ok(v >= 24 && v <= 44, f.stdout);
  });

  test('info counts containers and images', async () => {
    const r = await e.berth(['info', '-f', '{{.Images}}']);
    assert.match(r.stdout, /^\d+\n$/);
    const full = await e.berth(['info']);
    assert.match(full.stdout, /\nServer:\n Containers: \d+\n {2}Running: \d+\n {2}Paused: \d+\n {2}Stopped: \d+\n Images: \d+\n/);
  });

  test('events streams container events between --since and --until', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await e.berth(['run', '--rm', '--name', 'evented', IMAGE, 'true']);
    const until = Math.floor(Date.now() / 1000) + 1;
    const r = await e.berth(['events', '--since', String(since), '--until', String(until), '--filter', 'container=evented']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z container create [0-9a-f]{64} \(.*name=evented.*\)\n/m);
    assert.match(r.stdout, / container start /);
    assert.match(r.stdout, / container die [0-9a-f]{64} \(.*exitCode=0/);
  });

  test('events without --until streams live until interrupted', async () => {
    const child = spawn(process.execPath, [BERTH, 'events', '--filter', 'container=live-ev', '--filter', 'event=start'], { env: { ...process.env, DOCKER_HOST: e.host } });
    let out = '';
    const started = new Promise<void>((done) => child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) done(); }));
    await new Promise((r) => setTimeout(r, 500));
    await e.berth(['run', '--rm', '--name', 'live-ev', IMAGE, 'true']);
    await Promise.race([started, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    assert.match(out, /^\S+ container start [0-9a-f]{64} \(.*name=live-ev.*\)\n$/);
  });

  test('system df prints docker\'s table', async () => {
    const r = await e.berth(['system', 'df']);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE');
    assert.match(lines[1], /^Images {10}\d+ {5,}\d+ {5,}[\d.]+[kMG]?B +[\d.]+[kMG]?B \(\d+%\)$/);
    assert.match(lines[2], /^Containers /);
    assert.match(lines[3], /^Local Volumes /);
    assert.match(lines[4], /^Build Cache /);
  });
});
