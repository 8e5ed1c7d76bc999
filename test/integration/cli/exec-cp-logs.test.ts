// `exec`, `cp`, `logs`, `top`, `stats`, and the lifecycle verbs on a running container.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startEngine, IMAGE } from './engine.js';

const BERTH = resolve(import.meta.dirname, '../../../bin/berth');

const engine = await startEngine();
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI exec/cp tests: ${skip}\n`);

describe('berth exec, cp, logs, top, stats, lifecycle', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  const dir = mkdtempSync(join(tmpdir(), 'bcli-cp-'));
  before(async () => {
    const r = await e.berth(['run', '-d', '--name', 'box', IMAGE, 'sh', '-c', 'echo started; echo warn >&2; trap "exit 0" TERM; while true; do sleep 0.2; done']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await e.berth(['rm', '-f', 'box']);
    await e.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('exec runs in the container, passes -e/-w/-u, and exits with the command code', async () => {
    const r = await e.berth(['exec', '-e', 'X=42', '-w', '/etc', '-u', 'nobody', 'box', 'sh', '-c', 'echo $X $(pwd) $(id -un); echo oops >&2; exit 5']);
    assert.equal(r.stdout, '42 /etc nobody\n');
    assert.equal(r.stderr, 'oops\n');
    assert.equal(r.code, 5);
  });

  test('exec -i forwards stdin until EOF; exec -d returns at once', async () => {
    const r = await e.berth(['exec', '-i', 'box', 'sh', '-c', 'wc -l'], { input: 'a\nb\nc\n' });
    assert.equal(r.stdout.trim(), '3');
    const d = await e.berth(['exec', '-d', 'box', 'sh', '-c', 'echo bg > /tmp/bg']);
    assert.equal(d.code, 0);
    assert.equal(d.stdout, '');
  });

  test('cp copies files and directories both ways, naming them as docker cp does', async () => {
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    writeFileSync(join(dir, 'tree/a.txt'), 'alpha\n');
    writeFileSync(join(dir, 'tree/sub/b.txt'), 'beta\n');
    assert.equal((await e.berth(['cp', join(dir, 'tree'), 'box:/tmp/'])).code, 0);
    assert.equal((await e.berth(['cp', join(dir, 'tree/a.txt'), 'box:/tmp/renamed.txt'])).code, 0);
    const ls = await e.berth(['exec', 'box', 'sh', '-c', 'cat /tmp/tree/a.txt /tmp/tree/sub/b.txt /tmp/renamed.txt']);
    assert.equal(ls.stdout, 'alpha\nbeta\nalpha\n');
    assert.equal((await e.berth(['cp', 'box:/tmp/tree', join(dir, 'back')])).code, 0);
    assert.equal(readFileSync(join(dir, 'back/sub/b.txt'), 'utf8'), 'beta\n');
    mkdirSync(join(dir, 'into'));
    assert.equal((await e.berth(['cp', 'box:/etc/passwd', join(dir, 'into')])).code, 0);
    assert.ok(existsSync(join(dir, 'into/passwd')));
    const missing = await e.berth(['cp', 'box:/nosuch', dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error response from daemon: .*\/nosuch/);
  });

  test('logs keeps stdout and stderr apart; --tail and -t work', async () => {
    const r = await e.berth(['logs', 'box']);
    assert.equal(r.stdout, 'started\n');
    assert.equal(r.stderr, 'warn\n');
    const t = await e.berth(['logs', '-t', '--tail', '1', 'box']);
    assert.match(t.stdout + t.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (started|warn)\n$/);
  });

  test('logs --since/--until take relative times', async () => {
    assert.equal((await e.berth(['logs', '--since', '1h', 'box'])).stdout, 'started\n');
    const old = await e.berth(['logs', '--until', '1h', 'box']);
    assert.equal(old.stdout + old.stderr, '');
  });

  test('export writes the filesystem as a tar', async (t) => {
    const out = join(dir, 'fs.tar');
    const r = await e.berth(['export', '-o', out, 'box']);
    if (/not implemented/.test(r.stderr)) return t.skip(`engine: ${r.stderr.trim()}`);
    assert.equal(r.code, 0, r.stderr);
    const list = spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout;
    assert.match(list, /^(\.\/)?bin\/busybox$/m);
  });

  test('cp to "-" writes a tar to stdout', async () => {
    const cp = spawnSync('sh', ['-c', `"${process.execPath}" "${BERTH}" cp box:/etc/passwd - | tar -xOf - passwd`], { env: { ...process.env, DOCKER_HOST: e.host }, encoding: 'utf8' });
    assert.match(cp.stdout, /^root:x:0:0:/);
  });

  test('logs -f follows until the container exits', async () => {
    await e.berth(['run', '-d', '--name', 'follow', IMAGE, 'sh', '-c', 'echo one; sleep 1; echo two']);
    const r = await e.berth(['logs', '-f', 'follow']);
    assert.equal(r.stdout, 'one\ntwo\n');
    await e.berth(['rm', 'follow']);
  });

  test('top lists the container processes with ps columns', async () => {
    const r = await e.berth(['top', 'box']);
    const [header] = r.stdout.split('\n');
    assert.match(header, /^UID +PID +PPID +C +STIME +TTY +TIME +CMD$/);
    assert.match(r.stdout, /while true/);
  });

  test('stats --no-stream prints docker\'s columns', async () => {
    const r = await e.berth(['stats', '--no-stream', 'box']);
    const [header, row] = r.stdout.split('\n');
    // Columns are padded to their widest cell (docker's tabwriter), so NET I/O widens once the
    // container has traffic: check the names, the 3-space gaps and that the row lines up.
    assert.deepEqual(header.split(/ {3,}/), ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
    assert.equal(row.length > 0 && header.indexOf('PIDS') <= row.length, true);
    assert.match(row.slice(header.indexOf('PIDS')), /^\d+$/);
    assert.match(row, /^[0-9a-f]{12} {3}box {7}\d+\.\d\d% {4,}[\d.]+[KMG]?i?B \/ [\d.]+[KMGT]i?B {3,}\d+\.\d\d% /);
  });

  test('pause, unpause, restart, kill, rename and wait', async () => {
    assert.equal((await e.berth(['pause', 'box'])).stdout, 'box\n');
    assert.match((await e.berth(['ps', '--filter', 'name=box', '--format', '{{.Status}}'])).stdout, /\(Paused\)/);
    assert.equal((await e.berth(['unpause', 'box'])).stdout, 'box\n');
    assert.equal((await e.berth(['restart', '-t', '1', 'box'])).stdout, 'box\n');
    assert.equal((await e.berth(['kill', '-s', 'KILL', 'box'])).stdout, 'box\n');
    assert.equal((await e.berth(['wait', 'box'])).stdout, '137\n');
    const renamed = await e.berth(['rename', 'box', 'box2']);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal((await e.berth(['inspect', '-f', '{{.Name}}', 'box2'])).stdout, '/box2\n');
    assert.equal((await e.berth(['rename', 'box2', 'box'])).code, 0);
    assert.equal((await e.berth(['start', 'box'])).stdout, 'box\n');
    assert.equal((await e.berth(['stop', 'box'])).stdout, 'box\n');
    const st = await e.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'box']);
    assert.equal(st.stdout, 'exited 0\n');
  });

  test('attach joins a running container: stdin in, output out, its exit code back', async () => {
    assert.equal((await e.berth(['run', '-d', '-i', '--name', 'attachee', IMAGE, 'sh', '-c', 'read x; echo got $x; exit 3'])).code, 0);
    // stdin stays open until the output is back: with StdinOnce unset, an engine may end the whole
    // attach session at stdin EOF (dockerd does), as it would for the docker CLI.
    const r = spawnSync('sh', ['-c', `(echo hello; sleep 2) | "${process.execPath}" "${BERTH}" attach attachee`], { env: { ...process.env, DOCKER_HOST: e.host }, encoding: 'utf8' });
    assert.equal(r.stdout, 'got hello\n', `stderr: ${r.stderr} code: ${r.status}`);
    assert.equal(r.status, 3);
    const stopped = await e.berth(['attach', 'attachee']);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /You cannot attach to a stopped container, start it first/);
    await e.berth(['rm', 'attachee']);
  });

  test('-it without a terminal is refused as docker does', async () => {
    const r = await e.berth(['run', '-it', '--rm', IMAGE, 'true']);
    assert.equal(r.stderr, 'the input device is not a TTY\n');
    assert.equal(r.code, 1);
  });

  test('system prune -f removes stopped containers', async () => {
    await e.berth(['create', '--name', 'sysprunable', IMAGE, 'true']);
    const r = await e.berth(['system', 'prune', '-f']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.match(r.stdout, /Total reclaimed space: /);
  });

  test('container prune -f removes stopped containers and reports them', async () => {
    await e.berth(['create', '--name', 'prunable', IMAGE, 'true']);
    const r = await e.berth(['container', 'prune', '-f']);
    assert.match(r.stdout, /^Deleted Containers:\n([0-9a-f]{64}\n)+\nTotal reclaimed space: .*B\n$/);
    assert.equal((await e.berth(['ps', '-a', '-q', '--filter', 'name=prunable'])).stdout, '');
  });
});
