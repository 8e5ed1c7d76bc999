// The client's wire behaviour against a small HTTP server on a real unix socket: version
// negotiation, error kinds, and a hijacked stream whose stdin half-close reaches the other side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient, parseHost } from './index.js';
import { isBerthError } from '../../common/errors.js';

type Upgrade = (req: http.IncomingMessage, sock: Duplex, seen: string[]) => void;

/**
 * A fake engine on a unix socket in a temp dir for as long as `fn` runs: `handle` answers each
 * request (and `upgrade` each hijack), and `seen` lists the requests in order. All is gone after.
 */
async function withFakeEngine(handle: http.RequestListener, upgrade: Upgrade | undefined, fn: (socket: string, seen: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
  const socket = join(dir, 's.sock');
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  if (upgrade) server.on('upgrade', (req, sock: Duplex) => upgrade(req, sock, seen));
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    await fn(socket, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withServer(apiVersion: string | undefined, fn: (client: EngineClient, seen: string[]) => Promise<void>): Promise<void> {
  const handle: http.RequestListener = (req, res) => {
    if (req.url === '/_ping') {
      if (apiVersion) res.setHeader('Api-Version', apiVersion);
      res.end('OK');
    } else if (req.url?.endsWith('/containers/nosuch/json')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'No such container: nosuch' }));
    } else if (req.url?.includes('/containers/busy')) {
      res.writeHead(409, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'conflict here' }));
    } else res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
  };
  const upgrade: Upgrade = (req, sock, seen) => {
    seen.push(`UPGRADE ${req.url} ${req.headers.upgrade}`);
    sock.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    // Our half-close arrives as 'end': answer with what we read, then close.
    sock.on('end', () => sock.end(`got:${got}`));
  };
  await withFakeEngine(handle, upgrade, async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`);
    try {
      await fn(client, seen);
    } finally {
      client.close();
    }
  });
}

test('negotiates min(server, 1.44) once and prefixes every path', async () => {
  await withServer('1.41', async (client, seen) => {
    await client.containers.list({ all: true, filters: { status: ['exited'] } });
    await client.images.list();
    assert.equal(await client.apiVersion(), '1.41');
    assert.deepEqual(seen, ['GET /_ping', 'GET /v1.41/containers/json?all=1&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D', 'GET /v1.41/images/json']);
  });
  await withServer('1.45', async (client) => assert.equal(await client.apiVersion(), '1.44'));
  await withServer(undefined, async (client) => assert.equal(await client.apiVersion(), '1.24'));
});

test('daemon errors become BerthError kinds with the daemon message', async () => {
  await withServer('1.44', async (client) => {
    await assert.rejects(client.containers.inspect('nosuch'), (e) => isBerthError(e, 'not_found') && e.message === 'No such container: nosuch' && e.details.fromDaemon === true);
    await assert.rejects(client.containers.remove('busy'), (e) => isBerthError(e, 'conflict'));
  });
  const nobody = EngineClient.fromHost('unix:///nonexistent/berth.sock');
  await assert.rejects(nobody.system.ping(), (e) => isBerthError(e, 'unavailable'));
});

test('a hijacked stream is raw both ways and our half-close reaches the daemon', async () => {
  await withServer('1.44', async (client, seen) => {
    const h = await client.containers.attach('c1', { stdin: true, stdout: true });
    assert.equal(h.upgraded, true);
    h.socket.end('typed');
    let out = '';
    for await (const chunk of h.socket) out += (chunk as Buffer).toString();
    assert.equal(out, 'got:typed');
    assert.ok(seen.includes('UPGRADE /v1.44/containers/c1/attach?stream=1&stdin=1&stdout=1 tcp'), seen.join('\n'));
  });
});

test('tcp:// hosts work the same way; host strings parse like DOCKER_HOST', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/_ping') res.setHeader('Api-Version', '1.43');
    res.end(req.url === '/_ping' ? 'OK' : JSON.stringify({ Version: 'tcp-engine', url: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const client = EngineClient.fromHost(`tcp://127.0.0.1:${port}`);
  try {
    const v = (await client.system.version()) as unknown as { Version: string; url: string };
    assert.deepEqual(v, { Version: 'tcp-engine', url: '/v1.43/version' });
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  assert.deepEqual(parseHost('unix:///run/berth/berth.sock'), { kind: 'unix', socketPath: '/run/berth/berth.sock', url: 'unix:///run/berth/berth.sock' });
  assert.deepEqual(parseHost('tcp://[::1]:2376'), { kind: 'tcp', host: '::1', port: 2376, url: 'tcp://[::1]:2376' });
  assert.equal((parseHost('tcp://engine') as { port: number }).port, 2375);
  assert.throws(() => parseHost('ssh://user@host'), /invalid host/);
});

/** A daemon whose newest API version is `max`: newer prefixes get dockerd's 400 "too new". */
async function withVersionedServer(max: string, fn: (socket: string, seen: string[]) => Promise<void>): Promise<void> {
  const tooNew = (url: string | undefined) => {
    const v = /^\/v([\d.]+)\//.exec(url ?? '')?.[1];
    return v !== undefined && Number(v.split('.')[1]) > Number(max.split('.')[1]) ? v : undefined;
  };
  const handle: http.RequestListener = (req, res) => {
    const v = tooNew(req.url);
    if (req.url === '/_ping') res.setHeader('Api-Version', max);
    if (v) res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `client version ${v} is too new. Maximum supported API version is ${max}` }));
    else res.end(req.url === '/_ping' ? 'OK' : '{"Id":"c1"}');
  };
  const upgrade: Upgrade = (req, sock, seen) => {
    seen.push(`UPGRADE ${req.url}`);
    const v = tooNew(req.url);
    if (v) {
      const body = JSON.stringify({ message: `client version ${v} is too new. Maximum supported API version is ${max}` });
      sock.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    } else sock.end('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  };
  await withFakeEngine(handle, upgrade, fn);
}

test('guessVersion: no /_ping when the daemon speaks our version; negotiates and resends when it is too new', async () => {
  await withVersionedServer('1.44', async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`, { guessVersion: true });
    try {
      await client.containers.create({ Image: 'x' });
      await client.containers.start('c1');
      assert.deepEqual(seen, ['POST /v1.44/containers/create', 'POST /v1.44/containers/c1/start']);
    } finally { client.close(); }
  });
  await withVersionedServer('1.41', async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`, { guessVersion: true });
    try {
      assert.deepEqual(await client.containers.create({ Image: 'x' }), { Id: 'c1' });
      const h = await client.containers.attach('c1', { stream: true, stdout: true });
      h.socket.destroy();
      assert.equal(await client.apiVersion(), '1.41');
      assert.deepEqual(seen, ['POST /v1.44/containers/create', 'GET /_ping', 'POST /v1.41/containers/create', 'UPGRADE /v1.41/containers/c1/attach?stream=1&stdout=1']);
    } finally { client.close(); }
  });
  // A hijack is the first request: refused at the guess, sent again at the negotiated version.
  await withVersionedServer('1.41', async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`, { guessVersion: true });
    try {
      const h = await client.exec.start('e1', {});
      h.socket.destroy();
      assert.deepEqual(seen, ['UPGRADE /v1.44/exec/e1/start', 'GET /_ping', 'UPGRADE /v1.41/exec/e1/start']);
    } finally { client.close(); }
  });
});

test('whenUnreachable runs once when nobody listens, then the request is sent again', async () => {
  await withVersionedServer('1.44', async (socket, seen) => {
    const absent = join(socket, '..', 'later.sock');
    let calls = 0;
    const client = EngineClient.fromHost(`unix://${absent}`, {
      guessVersion: true,
      whenUnreachable: async () => {
        calls++;
        // "Start the engine": make the absent socket lead to the listening one.
        symlinkSync(socket, absent);
      },
    });
    try {
      await client.containers.start('c1');
      await client.containers.start('c1');
      assert.equal(calls, 1);
      assert.deepEqual(seen, ['POST /v1.44/containers/c1/start', 'POST /v1.44/containers/c1/start']);
    } finally { client.close(); }
  });
  // Without the hook (or once it was used) an absent engine is the usual one-line error.
  const nobody = EngineClient.fromHost('unix:///nonexistent/berth.sock', { guessVersion: true });
  await assert.rejects(nobody.containers.start('c1'), (e) => isBerthError(e, 'unavailable') && /Cannot connect to the engine/.test(e.message));
});

test('guessVersion: any 400 to a guessed version (another wording, a HEAD without body) leads to negotiation', async () => {
  const handle: http.RequestListener = (req, res) => {
    if (req.url === '/_ping') res.setHeader('Api-Version', '1.41');
    if (req.url?.startsWith('/v1.44/')) res.writeHead(400, { 'Content-Type': 'application/json' }).end(req.method === 'HEAD' ? undefined : JSON.stringify({ message: 'given version v1.44 is not supported' }));
    else if (req.method === 'HEAD') res.writeHead(200, { 'X-Docker-Container-Path-Stat': Buffer.from('{"name":"tmp","mode":2147484141}').toString('base64') }).end();
    else if (req.url === '/_ping') res.end('OK');
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
  };
  await withFakeEngine(handle, undefined, async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`, { guessVersion: true });
    try {
      assert.equal((await client.containers.statPath('c1', '/tmp')).name, 'tmp');
      assert.deepEqual(await client.containers.list(), []);
      assert.deepEqual(seen, ['HEAD /v1.44/containers/c1/archive?path=%2Ftmp', 'GET /_ping', 'HEAD /v1.41/containers/c1/archive?path=%2Ftmp', 'GET /v1.41/containers/json']);
    } finally { client.close(); }
  });
});

test('guessVersion: a 400 from a daemon that speaks our version is the error, after one negotiation', async () => {
  const handle: http.RequestListener = (req, res) => {
    if (req.url === '/_ping') res.setHeader('Api-Version', '1.44');
    if (req.url === '/_ping') res.end('OK');
    else res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'invalid mount config' }));
  };
  await withFakeEngine(handle, undefined, async (socket, seen) => {
    const client = EngineClient.fromHost(`unix://${socket}`, { guessVersion: true });
    try {
      await assert.rejects(client.containers.create({ Image: 'x' }), (e) => isBerthError(e, 'invalid_argument') && e.message === 'invalid mount config');
      await assert.rejects(client.containers.create({ Image: 'x' }), (e) => isBerthError(e, 'invalid_argument') && e.message === 'invalid mount config');
      assert.deepEqual(seen, ['POST /v1.44/containers/create', 'GET /_ping', 'POST /v1.44/containers/create']);
    } finally { client.close(); }
  });
});
