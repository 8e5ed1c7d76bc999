// The hijacked protocol byte for byte, over a raw socket: the 101 answer, 8-byte frames,
// stdin after a (sized or chunked) request body, the client's half-close as EOF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { FrameDecoder } from '../../../src/api/server/wire/frames.js';

let d: TestDaemon;
let container: string;

function api(method: string, path: string, body?: Buffer | string, contentType = 'application/json') {
  return daemonRequest(d.socket, method, path, body, contentType);
}

/** Sends raw request bytes, then `stdin`, then FIN; returns everything the daemon sent back. */
function rawExchange(head: string, stdin: string): Promise<Buffer> {
  return new Promise((res, rej) => {
    const s = connect(d.socket, () => {
      s.write(head);
      s.write(stdin);
      s.end();
    });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => res(Buffer.concat(chunks)));
    s.on('error', rej);
  });
}

function split(reply: Buffer): { head: string; frames: { stream: number; text: string }[] } {
  const end = reply.indexOf('\r\n\r\n');
  const dec = new FrameDecoder();
  const frames = dec.push(reply.subarray(end + 4)).map((f) => ({ stream: f.stream, text: f.payload.toString() }));
  return { head: reply.subarray(0, end).toString(), frames };
}

before(async () => {
  d = await startTestDaemon();
  const tar = makeBusyboxTar();
  try {
    const imp = await api('POST', `/images/create?fromSrc=-&repo=hijack&tag=latest&changes=${encodeURIComponent(`ENV PATH=${BUSYBOX_PATH}`)}`, readFileSync(tar), 'application/x-tar');
    assert.equal(imp.status, 200);
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
  const c = await api('POST', '/containers/create', JSON.stringify({ Image: 'hijack', Cmd: ['sleep', '300'] }));
  container = JSON.parse(c.body).Id as string;
  assert.equal((await api('POST', `/containers/${container}/start`)).status, 204);
});

after(() => d?.stop());

async function newExec(cmd: string[], stdin = true): Promise<string> {
  const r = await api('POST', `/containers/${container}/exec`, JSON.stringify({ Cmd: cmd, AttachStdin: stdin, AttachStdout: true, AttachStderr: true }));
  assert.equal(r.status, 201, r.body);
  return JSON.parse(r.body).Id as string;
}

test('exec start with a sized body: 101 UPGRADED, multiplexed frames, EOF on half-close', async () => {
  const id = await newExec(['sh', '-c', 'cat; echo bye >&2; exit 3']);
  const body = '{"Detach":false,"Tty":false}';
  const reply = await rawExchange(
    `POST /v1.44/exec/${id}/start HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    'hello\n',
  );
  const { head, frames } = split(reply);
  assert.match(head, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  assert.match(head, /\r\nContent-Type: application\/vnd\.docker\.multiplexed-stream/);
  assert.match(head, /\r\nConnection: Upgrade\r\nUpgrade: tcp/);
  assert.deepEqual(frames, [{ stream: 1, text: 'hello\n' }, { stream: 2, text: 'bye\n' }]);
  const info = JSON.parse((await api('GET', `/exec/${id}/json`)).body);
  assert.equal(info.ExitCode, 3);
  assert.equal(info.Running, false);
});

test('exec start with a chunked body: the chunk syntax does not leak into stdin', async () => {
  const id = await newExec(['cat']);
  const body = '{"Detach":false}';
  const reply = await rawExchange(
    `POST /v1.41/exec/${id}/start HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    'only this\n',
  );
  const { head, frames } = split(reply);
  assert.match(head, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  // API 1.41 predates the multiplexed media type: the raw-stream type, still framed (no tty).
  assert.match(head, /Content-Type: application\/vnd\.docker\.raw-stream/);
  assert.deepEqual(frames, [{ stream: 1, text: 'only this\n' }]);
});

test('exec start without an upgrade answers 200 and streams the frames as the body', async () => {
  const id = await newExec(['echo', 'plain'], false);
  const r = await api('POST', `/exec/${id}/start`, '{}');
  assert.equal(r.status, 200);
  assert.deepEqual(new FrameDecoder().push(Buffer.from(r.body, 'latin1')).map((f) => f.payload.toString()), ['plain\n']);
});

test('an error before the hijack is a normal JSON answer even on an upgrade request', async () => {
  const reply = await rawExchange('POST /v1.44/exec/nosuch/start HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}', '');
  const text = reply.toString();
  assert.match(text, /^HTTP\/1\.1 404 /);
  assert.match(text, /"message":"No such exec instance: nosuch"/);
});
