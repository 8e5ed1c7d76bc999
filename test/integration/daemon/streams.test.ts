// Long streams (logs -f, events, stats, attach) end when the client leaves: nothing is left open
// in berthd afterwards (its file descriptors return to where they were).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';

let d: TestDaemon;

function api(method: string, path: string, body?: Buffer | string, contentType = 'application/json') {
  return daemonRequest(d.socket, method, path, body, contentType);
}

/** Opens a streaming GET, waits for its headers and first bytes (if any come soon), then drops it. */
function openAndDrop(path: string): Promise<number> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: d.socket, path }, (r) => {
      r.once('data', () => undefined);
      setTimeout(() => { req.destroy(); res(r.statusCode ?? 0); }, 150);
    });
    req.on('error', () => undefined);
    req.on('timeout', () => rej(new Error('no headers')));
    req.end();
  });
}

function attachAndDrop(id: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = connect(d.socket, () => s.write(`POST /containers/${id}/attach?stream=1&stdout=1&stderr=1&stdin=1 HTTP/1.1\r\nHost: b\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`));
    s.once('data', (c: Buffer) => { setTimeout(() => { s.destroy(); res(c.toString().split('\r\n')[0]); }, 150); });
    s.on('error', rej);
  });
}

const fds = () => readdirSync(`/proc/${d.pid}/fd`).length;

before(async () => {
  d = await startTestDaemon({ logLevel: 'info' });
  const tar = makeBusyboxTar();
  try {
    await api('POST', `/images/create?fromSrc=-&repo=streams&changes=${encodeURIComponent(`ENV PATH=${BUSYBOX_PATH}`)}`, readFileSync(tar), 'application/x-tar');
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
});

after(() => d?.stop());

test('dropped logs -f, events, stats and attach streams leave nothing open', async () => {
  const created = await api('POST', '/containers/create?name=chatty', JSON.stringify({ Image: 'streams', Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'], OpenStdin: true }));
  const id = JSON.parse(created.body).Id as string;
  assert.equal((await api('POST', `/containers/${id}/start`)).status, 204);
  // Warm up once so lazily opened files do not count as leaks.
  await openAndDrop(`/containers/${id}/logs?follow=1&stdout=1`);
  await new Promise((r) => setTimeout(r, 300));
  const baseline = fds();
  for (let i = 0; i < 10; i++) {
    assert.equal(await openAndDrop(`/containers/${id}/logs?follow=1&stdout=1&stderr=1`), 200);
    assert.equal(await openAndDrop('/events'), 200);
    assert.equal(await openAndDrop(`/containers/${id}/stats`), 200);
    assert.equal(await attachAndDrop(id), 'HTTP/1.1 101 UPGRADED');
  }
  let now = fds();
  for (let i = 0; i < 40 && now > baseline + 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = fds();
  }
  if (process.env.BERTH_TEST_VERBOSE) console.log({ baseline, now });
  assert.ok(now <= baseline + 2, `berthd holds ${now} fds after the clients left, ${baseline} before`);
  await api('DELETE', `/containers/${id}?force=1`);
});
