// The CLI's HTTP/1.1 client against node's HTTP server and hand-written answers on real unix
// sockets: framing (length, chunked cut anywhere, until close), keep-alive reuse and a connection
// the server closed meanwhile, chunked uploads, HEAD/204, and the raw socket after an upgrade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Http1Client, parseHead, type Response } from './http1.js';

async function text(res: Response): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function withSocket(listen: (socket: string) => Promise<net.Server | http.Server>, fn: (client: Http1Client) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http1-'));
  const server = await listen(join(dir, 's.sock'));
  const client = new Http1Client({ socketPath: join(dir, 's.sock') }, 'localhost');
  try {
    await fn(client);
  } finally {
    client.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

test('node http server: JSON in, length and chunked bodies out, one connection reused, HEAD and 204', async () => {
  const ports = new Set<number | string>();
  let n = 0;
  await withSocket(async (socket) => {
    const server = http.createServer((req, res) => {
      ports.add(`${(req.socket as net.Socket & { _handle?: { fd?: number } })._handle?.fd}`);
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        n++;
        if (req.url === '/len') res.writeHead(200, { 'Content-Type': 'application/json', 'X-Thing': 'a' }).end(JSON.stringify({ got: body, method: req.method }));
        else if (req.url === '/chunked') { res.write('one,'); setTimeout(() => { res.write('two,'); res.end('three'); }, 5); }
        else if (req.url === '/none') res.writeHead(204).end();
        else res.writeHead(200, { 'Content-Length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
      });
    });
    await new Promise<void>((r) => server.listen(socket, r));
    return server;
  }, async (client) => {
    const a = await client.send({ method: 'POST', path: '/len', headers: { 'Content-Type': 'application/json' }, body: '{"x":1}' });
    assert.equal(a.res.statusCode, 200);
    assert.equal(a.res.headers['x-thing'], 'a');
    assert.deepEqual(JSON.parse(await text(a.res)), { got: '{"x":1}', method: 'POST' });
    assert.equal(await text((await client.send({ method: 'GET', path: '/chunked', headers: {} })).res), 'one,two,three');
    const none = await client.send({ method: 'DELETE', path: '/none', headers: {} });
    assert.equal(none.res.statusCode, 204);
    assert.equal(await text(none.res), '');
    const head = await client.send({ method: 'HEAD', path: '/plain', headers: {} });
    assert.equal(head.res.headers['content-length'], '5');
    assert.equal(await text(head.res), '');
    assert.equal(await text((await client.send({ method: 'GET', path: '/plain', headers: {} })).res), 'hello');
    const up = await client.send({ method: 'PUT', path: '/len', headers: {}, stream: Readable.from([Buffer.from('tar'), Buffer.from(''), Buffer.from('-bytes')]) });
    assert.deepEqual(JSON.parse(await text(up.res)), { got: 'tar-bytes', method: 'PUT' });
  });
  assert.equal(n, 6);
  // Sequential requests went over one keep-alive connection (the streamed upload may take its own).
  assert.ok(ports.size <= 2, [...ports].join(','));
});

test('hand-written answers: chunked cut at every byte, until-close bodies, a closed keep-alive connection', async () => {
  const chunkedAnswer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n1\r\ne\r\n0\r\nTrailer: x\r\n\r\n';
  let conns = 0;
  await withSocket(async (socket) => {
    const server = net.createServer((s) => {
      conns++;
      let req = '';
      s.on('data', async (d: Buffer) => {
        req += d.toString();
        if (!req.includes('\r\n\r\n')) return;
        const path = req.split(' ')[1];
        req = '';
        if (path === '/bytewise') {
          for (const ch of chunkedAnswer) { s.write(ch); await new Promise((r) => setImmediate(r)); }
        } else if (path === '/close') {
          s.end('HTTP/1.1 200 OK\r\n\r\nall of it until the end');
        } else if (path === '/then-close') {
          // Answers, keeps the connection a moment, then closes it: the next request must not fail.
          s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          setTimeout(() => s.end(), 20);
        }
      });
    });
    await new Promise<void>((r) => server.listen(socket, r));
    return server;
  }, async (client) => {
    assert.equal(await text((await client.send({ method: 'GET', path: '/bytewise', headers: {} })).res), 'abcde');
    assert.equal(await text((await client.send({ method: 'GET', path: '/close', headers: {} })).res), 'all of it until the end');
    assert.equal(await text((await client.send({ method: 'GET', path: '/then-close', headers: {} })).res), 'ok');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await text((await client.send({ method: 'GET', path: '/then-close', headers: {} })).res), 'ok');
  });
  assert.equal(conns, 3);
});

test('an accepted upgrade hands over the socket with the bytes that came with the head', async () => {
  await withSocket(async (socket) => {
    const server = net.createServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly;');
        s.on('data', (d: Buffer) => s.write(`echo:${d.toString()}`));
        s.on('end', () => s.end(';bye'));
      });
    });
    await new Promise<void>((r) => server.listen(socket, r));
    return server;
  }, async (client) => {
    const { res, upgraded } = await client.send({ method: 'POST', path: '/attach', headers: {}, upgrade: true });
    assert.equal(res.statusCode, 101);
    assert.ok(upgraded);
    upgraded.write('hi');
    await new Promise((r) => setTimeout(r, 30));
    upgraded.end();
    let out = '';
    for await (const c of upgraded) out += (c as Buffer).toString();
    assert.equal(out, 'early;echo:hi;bye');
  });
});

test('parseHead: status, lower-cased names, repeated headers', () => {
  assert.deepEqual(parseHead('HTTP/1.1 404 Not Found\r\nContent-Type: a\r\nX-A: 1\r\nx-a: 2'), { status: 404, message: 'Not Found', headers: { 'content-type': 'a', 'x-a': '1, 2' }, http10: false });
  assert.equal(parseHead('SSH-2.0-x'), undefined);
});
