// The API as a client sees it on the wire, against a real berthd: every endpoint the table in
// docs/api.md lists is served (or answers 501 when the table says "missing"), unknown endpoints get
// Docker's 404 shape, version prefixes are checked as Docker checks them, and image load streams
// JSON progress messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
let daemon: TestDaemon;

before(async () => {
  daemon = await startTestDaemon({ logLevel: 'info' });
  const tar = makeBusyboxTar();
  try {
    const r = await daemonRequest(daemon.socket, 'POST', `/images/create?fromSrc=-&repo=conform&tag=v1&changes=${encodeURIComponent(`ENV PATH=${BUSYBOX_PATH}`)}`, readFileSync(tar), 'application/x-tar');
    assert.equal(r.status, 200, r.body);
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
});

after(() => daemon?.stop());

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One request; a streaming answer is cut after its headers (its body is not needed). */
function probe(method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: daemon.socket, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, (r) => {
      const answer: Answer = { status: r.statusCode ?? 0, headers: r.headers, body: '' };
      if (r.statusCode !== 404 && r.statusCode !== 400) {
        req.destroy();
        return res(answer);
      }
      r.on('data', (c: Buffer) => { answer.body += c.toString(); });
      r.on('end', () => res(answer));
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : rej(e)));
    req.end(body);
  });
}

/** The endpoint table of docs/api.md: method, concrete path (placeholders filled), documented status. */
function documentedEndpoints(): { method: string; path: string; status: string }[] {
  const out: { method: string; path: string; status: string }[] = [];
  for (const row of DOC.split('\n').filter((l) => /^\| [A-Z, ]+ \| `/.test(l))) {
    const cells = row.split('|').map((c) => c.trim());
    const methods = cells[1].split(',').map((m) => m.trim());
    const paths = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\{[a-z]+\}/g, 'nosuch'));
    for (const method of methods) for (const path of paths) out.push({ method, path, status: cells[3] });
  }
  return out;
}

test('every endpoint in docs/api.md is served: 501 when documented missing, never "page not found"', async () => {
  const endpoints = documentedEndpoints();
  assert.ok(endpoints.length >= 60, `only ${endpoints.length} rows parsed`);
  const wrong: string[] = [];
  for (const e of endpoints) {
    // Bodies that do nothing: an empty JSON object, or no body where Docker takes none.
    const a = await probe(e.method, `/v1.44${e.path}`, e.method === 'POST' ? '{}' : undefined);
    if (a.status === 404 && a.body.includes('page not found')) wrong.push(`${e.method} ${e.path}: page not found`);
    if (e.status === 'missing' && a.status !== 501) wrong.push(`${e.method} ${e.path}: documented missing, answered ${a.status}`);
    if (e.status !== 'missing' && a.status === 501) wrong.push(`${e.method} ${e.path}: documented ${e.status}, answered 501`);
  }
  assert.deepEqual(wrong, []);
  assert.equal((await probe('GET', '/_ping')).status, 200, 'berthd still answers');
});

test('unknown endpoints and methods get Docker\'s 404 {"message":"page not found"}', async () => {
  for (const [method, path] of [['GET', '/nope'], ['GET', '/v1.44/swarm'], ['POST', '/v1.44/plugins/pull'], ['GET', '/secrets'], ['GET', '/containers/x/nosuchaction'], ['DELETE', '/version'], ['PATCH', '/containers/x/json']]) {
    const a = await probe(method, path);
    assert.equal(a.status, 404, `${method} ${path}`);
    assert.match(String(a.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(a.body), { message: 'page not found' }, `${method} ${path}`);
  }
});

test('version prefixes: too new and too old answer Docker\'s 400 texts; supported ones are served', async () => {
  const tooNew = await probe('GET', '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.deepEqual(JSON.parse(tooNew.body), { message: 'client version 1.99 is too new. Maximum supported API version is 1.44' });
  const tooOld = await probe('GET', '/v1.12/containers/json');
  assert.equal(tooOld.status, 400);
  assert.deepEqual(JSON.parse(tooOld.body), { message: 'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version' });
  for (const v of ['1.24', '1.41', '1.44']) {
    const r = await daemonRequest(daemon.socket, 'GET', `/v${v}/version`);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).ApiVersion, '1.44');
  }
});

test('every answer carries Docker\'s headers; HEAD /_ping answers as GET does', async () => {
  const head = await probe('HEAD', '/_ping');
  assert.equal(head.status, 200);
  assert.equal(head.headers['api-version'], '1.44');
  assert.equal(head.headers.ostype, 'linux');
  assert.equal(head.headers['docker-experimental'], 'false');
  assert.match(String(head.headers.server), /^berth\/\S+ \(linux\)$/);
  const err = await probe('GET', '/containers/nosuch/json');
  assert.equal(err.status, 404);
  assert.equal(err.headers['api-version'], '1.44');
  assert.deepEqual(JSON.parse(err.body), { message: 'No such container: nosuch' });
});

test('image load streams JSON progress messages; a broken archive is an errorDetail message', async () => {
  const saved = await new Promise<Buffer>((res, rej) => {
    request({ socketPath: daemon.socket, path: '/images/get?names=conform:v1' }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => res(Buffer.concat(chunks)));
    }).on('error', rej).end();
  });
  assert.equal((await daemonRequest(daemon.socket, 'DELETE', '/images/conform:v1')).status, 200);
  const loaded = await new Promise<{ headers: Record<string, unknown>; lines: string[] }>((res, rej) => {
    const req = request({ socketPath: daemon.socket, method: 'POST', path: '/images/load?quiet=0', headers: { 'Content-Type': 'application/x-tar' } }, (r) => {
      let text = '';
      r.on('data', (c: Buffer) => { text += c.toString(); }).on('end', () => res({ headers: r.headers, lines: text.split(/\r?\n/).filter(Boolean) }));
    });
    req.on('error', rej);
    req.end(saved);
  });
  assert.equal(loaded.headers['content-type'], 'application/json');
  assert.equal(loaded.headers['transfer-encoding'], 'chunked', 'progress streams as it happens');
  const messages = loaded.lines.map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(messages.at(-1), { stream: 'Loaded image: conform:v1\n' });
  for (const m of messages.slice(0, -1)) assert.ok(m.status || m.stream || m.progressDetail, JSON.stringify(m));
  const broken = await daemonRequest(daemon.socket, 'POST', '/images/load', 'not a tar at all', 'application/x-tar');
  assert.equal(broken.status, 200);
  const last = JSON.parse(broken.body.trim().split('\n').pop()!) as Record<string, any>;
  assert.equal(typeof last.errorDetail?.message, 'string');
  assert.equal(last.error, last.errorDetail.message);
});
