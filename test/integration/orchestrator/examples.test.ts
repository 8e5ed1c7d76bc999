// Tutorial applications under examples/ (hello, nginx-replicas) come up on berthd with `berth compose up -d --wait`
// (images built from debian:bookworm-slim, packages from the host's Debian mirror) and answer on
// their published ports. Slow: the first build of each image installs Debian packages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { canMakeDebian, debianTars, DEBIAN_IMPORT_CHANGES } from '../../helpers/debian.js';
import { berth, startEngine, type Engine } from './engine.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
let engine: Engine | undefined;
let skip: string | false = false;
const projects: Array<{ name: string; dir: string }> = [];

before(async () => {
  if (!canMakeDebian()) { skip = 'needs root and debootstrap (Debian base images)'; return; }
  const started = await startEngine('berthd');
  if (typeof started === 'string') { skip = started; return; }
  engine = started;
  const { slim } = debianTars();
  const r = await berth(engine.host, ['import', ...DEBIAN_IMPORT_CHANGES.flatMap((c) => ['--change', c]), slim, 'debian:bookworm-slim'], EXAMPLES, {}, 300_000);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  if (engine) {
    for (const p of projects) await berth(engine.host, ['compose', '-p', p.name, 'down', '-v', '-t', '0'], p.dir).catch(() => undefined);
    await engine.stop();
  }
});

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolveP, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolveP({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
  });
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

test('hello: Flask + Redis hit counter comes up with up -d --wait and counts on its published port', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const dir = join(EXAMPLES, 'hello');
  const name = `exhello${process.pid}`;
  projects.push({ name, dir });
  const port = freePort();
  const r = await berth(engine!.host, ['compose', '-p', name, 'up', '-d', '--wait'], dir, { HELLO_PORT: String(port) }, 840_000);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(` Container ${name}-web-1 {2}Healthy`));
  const first = await httpGet(port);
  assert.equal(first.status, 200);
  assert.equal(first.body, 'Hello World! I have been seen 1 times.\n');
  assert.equal((await httpGet(port)).body, 'Hello World! I have been seen 2 times.\n');
  const down = await berth(engine!.host, ['compose', '-p', name, 'down', '-t', '0'], dir);
  assert.equal(down.code, 0, down.stderr);
});

test('nginx-replicas: nginx on the published port balances over both web replicas by service name', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const dir = join(EXAMPLES, 'nginx-replicas');
  const name = `exnginx${process.pid}`;
  projects.push({ name, dir });
  const port = freePort();
  const r = await berth(engine!.host, ['compose', '-p', name, 'up', '-d', '--wait'], dir, { NGINX_PORT: String(port) }, 840_000);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const ids = new Set<string>();
  for (const n of [1, 2]) ids.add((await engine!.client.containers.inspect(`${name}-web-${n}`)).Id.slice(0, 12));
  const seen = new Set<string>();
  const deadline = Date.now() + 60_000;
  while (seen.size < 2 && Date.now() < deadline) {
    const res = await httpGet(port).catch(() => undefined);
    const m = res?.status === 200 ? /^served by (\S+)\n$/.exec(res.body) : null;
    if (m) seen.add(m[1]);
    else await new Promise((res2) => setTimeout(res2, 250));
  }
  assert.deepEqual([...seen].sort(), [...ids].sort(), 'both replicas answered through nginx');
  const down = await berth(engine!.host, ['compose', '-p', name, 'down', '-t', '0'], dir);
  assert.equal(down.code, 0, down.stderr);
});
