// The server's own behaviour, on routes that never reach the engine: negotiation, headers, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../../engine/contract.js';
import { createApiServer, type ApiServer } from './server.js';

let api: ApiServer;
let port: number;

before(async () => {
  // No engine: these routes must answer without one.
  api = createApiServer({} as Engine, () => undefined);
  await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', r));
  port = (api.server.address() as AddressInfo).port;
});
after(() => api.close());

function call(method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /_ping answers OK with the negotiation headers', async () => {
  const r = await call('GET', '/_ping');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'OK');
  assert.equal(r.headers['api-version'], '1.44');
  assert.equal(r.headers['ostype'], 'linux');
  assert.equal(r.headers['docker-experimental'], 'false');
  assert.match(String(r.headers['server']), /^berth\//);
});

test('HEAD /_ping answers with headers only', async () => {
  const r = await call('HEAD', '/v1.40/_ping');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  assert.equal(r.headers['api-version'], '1.44');
});

test('/version advertises API 1.44 and minimum 1.24', async () => {
  const r = await call('GET', '/v1.44/version');
  const v = JSON.parse(r.body);
  assert.equal(v.ApiVersion, '1.44');
  assert.equal(v.MinAPIVersion, '1.24');
  assert.equal(v.Os, 'linux');
  assert.equal(v.Components[0].Name, 'Engine');
});

test('a client version above ours gets Docker\'s 400', async () => {
  const r = await call('GET', '/v1.47/version');
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.body), { message: 'client version 1.47 is too new. Maximum supported API version is 1.44' });
});

test('unknown endpoints get Docker\'s 404 body', async () => {
  const r = await call('GET', '/v1.44/nothing/here');
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), { message: 'page not found' });
  assert.equal(r.headers['content-type'], 'application/json');
});

test('an engine without registry access refuses pulls as not implemented (501)', async () => {
  const r = await call('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(r.status, 501);
  assert.match(JSON.parse(r.body).message, /no registry access/);
});

test('an upgrade request to an unknown endpoint gets an ordinary HTTP error, then the connection closes', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write('POST /v1.44/nope/attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n');
    });
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => { got += d; });
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
  assert.match(text, /^HTTP\/1\.1 404 /);
  assert.match(text, /\{"message":"page not found"\}/);
});
