// berthd as a process: its socket, pidfile, logs, refusal to share a socket, and a clean
// SIGTERM that leaves containers running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestDaemon, ping, ensureBuilt, cleanupRoot } from '../../helpers/daemon.js';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { FrameDecoder } from '../../../src/api/server/wire/frames.js';

const BERTHD = resolve(import.meta.dirname, '../../../dist/berthd.js');

function api(socket: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers: { ...(body && typeof body === 'string' ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => { text += d; });
      r.on('end', () => res({ status: r.statusCode ?? 0, body: text, headers: r.headers }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

test('berthd serves on a root-only socket and writes a pidfile', async (t) => {
  const d = await startTestDaemon();
  t.after(() => d.stop());
  assert.equal(statSync(d.socket).mode & 0o777, 0o660);
  assert.equal(statSync(d.socket).uid, 0);
  assert.equal(readFileSync(join(d.execRoot, 'berthd.pid'), 'utf8').trim(), String(d.pid));
  const v = await api(d.socket, 'GET', '/v1.44/version');
  assert.equal(JSON.parse(v.body).ApiVersion, '1.44');
});

test('logs are JSON lines with level, time and msg', async (t) => {
  const d = await startTestDaemon();
  t.after(() => d.stop());
  const lines = readFileSync(d.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const ready = lines.find((l) => l.msg === 'berthd is serving the Docker Engine API');
  assert.ok(ready, 'a ready line');
  assert.equal(ready.level, 'info');
  assert.equal(ready.host, d.dockerHost);
  assert.ok(!Number.isNaN(Date.parse(String(ready.time))));
});

test('a second berthd refuses a socket another daemon answers on', async (t) => {
  const d = await startTestDaemon();
  t.after(() => d.stop());
  const other = mkdtempSync(join(tmpdir(), 'berth-second-'));
  t.after(() => { cleanupRoot(other); rmSync(other, { recursive: true, force: true }); });
  const r = spawnSync(process.execPath, [BERTHD, '--data-root', join(other, 'data'), '--exec-root', join(other, 'run'), '-H', d.dockerHost, '--runtime', 'runc'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').pop(), `berthd: another daemon is already listening on ${d.socket}`);
  assert.ok(await ping(d.socket), 'the first daemon still answers');
});

test('-H tcp://127.0.0.1:0 serves the API on a loopback port', async (t) => {
  ensureBuilt();
  const root = mkdtempSync(join(tmpdir(), 'berth-tcp-'));
  const child = spawn(process.execPath, [BERTHD, '--data-root', join(root, 'data'), '--exec-root', join(root, 'run'), '-H', 'tcp://127.0.0.1:0', '--runtime', 'runc'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    cleanupRoot(root);
    rmSync(root, { recursive: true, force: true });
  });
  const host = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const m = /"host":"(tcp:\/\/127\.0\.0\.1:[0-9]+)"/.exec(buf);
      if (m) res(m[1]);
    });
    child.once('exit', () => rej(new Error(`berthd exited: ${buf}`)));
  });
  const port = Number(host.split(':').pop());
  assert.ok(port > 0);
  const body = await new Promise<string>((res, rej) => {
    request({ host: '127.0.0.1', port, path: '/_ping' }, (r) => {
      let text = '';
      r.on('data', (d: Buffer) => { text += d.toString(); });
      r.on('end', () => res(text));
    }).on('error', rej).end();
  });
  assert.equal(body, 'OK');
});

test('bad flags are one line on stderr, exit 1', () => {
  ensureBuilt();
  const r = spawnSync(process.execPath, [BERTHD, '--runtime', 'kata'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'berthd: invalid --runtime "kata": use auto, runc or crun\n');
});

test('SIGTERM stops serving, removes socket and pidfile, and containers keep running', async (t) => {
  const d = await startTestDaemon();
  t.after(() => d.stop());
  const tar = makeBusyboxTar();
  t.after(() => rmSync(resolve(tar, '..'), { recursive: true, force: true }));
  const imp = await api(d.socket, 'POST', '/images/create?fromSrc=-&repo=sigterm&tag=latest', readFileSync(tar), { 'Content-Type': 'application/x-tar' });
  assert.equal(imp.status, 200, imp.body);
  assert.doesNotMatch(imp.body, /error/);
  const created = await api(d.socket, 'POST', '/containers/create?name=survivor', JSON.stringify({ Image: 'sigterm', Cmd: ['sleep', '300'] }));
  assert.equal(created.status, 201, created.body);
  const started = await api(d.socket, 'POST', '/containers/survivor/start');
  assert.equal(started.status, 204, started.body);
  const pid = JSON.parse((await api(d.socket, 'GET', '/containers/survivor/json')).body).State.Pid as number;
  assert.ok(pid > 0);

  process.kill(d.pid, 'SIGTERM');
  assert.equal(await d.exited(), 0, 'a clean exit');
  assert.equal(existsSync(d.socket), false, 'socket removed');
  assert.equal(existsSync(join(d.execRoot, 'berthd.pid')), false, 'pidfile removed');
  assert.ok(existsSync(`/proc/${pid}`), 'the container process still runs');
});

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`a berthd restarted after ${signal} finds its running container, its logs and its exit`, async (t) => {
    const d = await startTestDaemon();
    t.after(() => d.stop());
    const tar = makeBusyboxTar();
    t.after(() => rmSync(resolve(tar, '..'), { recursive: true, force: true }));
    const changes = encodeURIComponent('ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin');
    assert.equal((await api(d.socket, 'POST', `/images/create?fromSrc=-&repo=again&changes=${changes}`, readFileSync(tar), { 'Content-Type': 'application/x-tar' })).status, 200);
    const cmd = ['sh', '-c', 'echo before; while [ ! -f /tmp/stop ]; do sleep 0.1; done; echo after; exit 6'];
    assert.equal((await api(d.socket, 'POST', '/containers/create?name=keeper', JSON.stringify({ Image: 'again', Cmd: cmd }))).status, 201);
    assert.equal((await api(d.socket, 'POST', '/containers/keeper/start')).status, 204);
    const pid = JSON.parse((await api(d.socket, 'GET', '/containers/keeper/json')).body).State.Pid as number;

    await d.restart(signal);
    const again = JSON.parse((await api(d.socket, 'GET', '/containers/keeper/json')).body);
    assert.equal(again.State.Status, 'running');
    assert.equal(again.State.Pid, pid);
    // Let it finish while the new daemon watches: its exit code must be recorded.
    const ex = await api(d.socket, 'POST', '/containers/keeper/exec', JSON.stringify({ Cmd: ['touch', '/tmp/stop'] }));
    const execId = JSON.parse(ex.body).Id as string;
    await api(d.socket, 'POST', `/exec/${execId}/start`, JSON.stringify({ Detach: true }));
    const waited = JSON.parse((await api(d.socket, 'POST', '/containers/keeper/wait')).body);
    assert.equal(waited.StatusCode, 6);
    const logs = await api(d.socket, 'GET', '/containers/keeper/logs?stdout=1');
    assert.deepEqual(new FrameDecoder().push(Buffer.from(logs.body, 'latin1')).map((f) => f.payload.toString()).join(''), 'before\nafter\n');
  });
}
