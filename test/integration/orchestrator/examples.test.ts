// Tutorial applications under examples/ come up on berthd with `berth compose up -d --wait`
// (images built from debian:bookworm-slim, packages from the host's Debian mirror) and answer on
// their published ports. Slow: the first build of each image installs Debian packages; the
// examples share their Python package line and one postgres image (examples/common/postgres), so
// berthd's build cache installs each set once per run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { canMakeDebian, debianTars, DEBIAN_IMPORT_CHANGES } from '../../helpers/debian.js';
import { berth, IMAGE, removeProject, startEngine, type Engine } from './engine.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
let engine: Engine | undefined;
let skip: string | false = false;
interface Project { name: string; dir: string; files?: string[] }
const projects: Project[] = [];

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
    for (const p of projects) {
      const files = (p.files ?? []).flatMap((f) => ['-f', f]);
      await berth(engine.host, ['compose', '-p', p.name, ...files, 'down', '-v', '--remove-orphans', '-t', '0'], p.dir).catch(() => undefined);
      await removeProject(engine.client, p.name); // whatever down could not take
    }
    await engine.stop();
  }
});

function httpRequest(port: number, path = '/', method = 'GET', data?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveP, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolveP({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
    req.end(data);
  });
}

const httpGet = (port: number, path = '/') => httpRequest(port, path);

/** `berth compose -p <name> <args>` in the example's directory; fails the test when it fails. */
async function compose(p: Project, args: string[], env: Record<string, string> = {}, timeoutMs = 840_000): Promise<string> {
  const files = (p.files ?? []).flatMap((f) => ['-f', f]);
  const r = await berth(engine!.host, ['compose', '-p', p.name, ...files, ...args], p.dir, env, timeoutMs);
  if (r.code !== 0) {
    // The builds' output is long: keep its end, and add what the services logged.
    const logs = await berth(engine!.host, ['compose', '-p', p.name, ...files, 'logs', '--no-color', '--tail', '30'], p.dir, env);
    assert.fail(`compose ${args.join(' ')} exited ${r.code}:\n${(r.stdout + r.stderr).slice(-3000)}\n--- logs:\n${logs.stdout}${logs.stderr}`);
  }
  return r.stdout + r.stderr;
}

/**
 * The first GET after `up --wait`: a service without a healthcheck counts as up once running,
 * before it listens, so connection errors are retried for a while. Gives up with the project's logs.
 */
async function firstGet(p: Project, port: number, path = '/'): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await httpGet(port, path);
    } catch (e) {
      if (Date.now() < deadline) { await new Promise((r) => setTimeout(r, 250)); continue; }
      const files = (p.files ?? []).flatMap((f) => ['-f', f]);
      const logs = await berth(engine!.host, ['compose', '-p', p.name, ...files, 'logs', '--no-color', '--tail', '30'], p.dir);
      const ps = await berth(engine!.host, ['compose', '-p', p.name, ...files, 'ps', '-a'], p.dir);
      assert.fail(`GET :${port}${path}: ${String(e)}\n--- ps:\n${ps.stdout}\n--- logs:\n${logs.stdout}${logs.stderr}`);
    }
  }
}

/** A project for one example, removed (down -v) by `after` whatever the test did. */
function project(example: string, short: string, files?: string[]): Project {
  const p = { name: `ex${short}${process.pid}`, dir: join(EXAMPLES, example), files };
  projects.push(p);
  return p;
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

test('flask-postgres: notes written through the app are read back, kept by down + up, gone with down -v', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const p = project('flask-postgres', 'pg');
  const env = { WEB_PORT: String(freePort()) };
  const port = Number(env.WEB_PORT);
  await compose(p, ['up', '-d', '--wait'], env);
  assert.equal((await httpGet(port)).body, 'Flask + PostgreSQL: 0 notes stored.\n');
  const posted = await httpRequest(port, '/notes', 'POST', 'buy milk');
  assert.deepEqual(posted, { status: 201, body: 'stored: buy milk\n' });
  assert.equal((await httpGet(port, '/notes')).body, '1. buy milk\n');
  // The entrypoint set POSTGRES_PASSWORD for network logins (the app's own is the right one).
  const psql = (password: string) => berth(engine!.host, ['compose', '-p', p.name, 'exec', '-T', 'db', 'psql', '-tA', '-c', 'SELECT current_database()',
    `postgresql://postgres:${password}@127.0.0.1:5432/app`], p.dir);
  assert.equal((await psql('secret')).stdout, 'app\n');
  const wrong = await psql('wrong');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /password authentication failed for user "postgres"/);
  // Without a password it refuses to initialise a database, as the Hub's image does.
  const bare = await berth(engine!.host, ['run', '--rm', 'berth-examples/postgres:15'], p.dir);
  assert.equal(bare.code, 1, bare.stderr);
  assert.match(bare.stderr, /database is uninitialized and superuser password is not specified/);
  const volume = `${p.name}_db-data`;

  await compose(p, ['down', '-t', '10']);
  assert.equal((await engine!.client.volumes.inspect(volume)).Name, volume, 'down keeps the named volume');
  await compose(p, ['up', '-d', '--wait'], env);
  assert.equal((await httpGet(port, '/notes')).body, '1. buy milk\n', 'the note outlived down + up');
  await httpRequest(port, '/notes', 'POST', 'call home');
  assert.equal((await httpGet(port)).body, 'Flask + PostgreSQL: 2 notes stored.\n');

  await compose(p, ['down', '-v', '-t', '10']);
  await assert.rejects(engine!.client.volumes.inspect(volume), /no such volume/i, 'down -v removed the volume');
});

/** GETs until `want` distinct bodies matching `re` were seen (replicas behind a proxy); the first groups. */
async function collect(port: number, re: RegExp, want: number, ms = 60_000): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + ms;
  while (seen.size < want && Date.now() < deadline) {
    const res = await httpGet(port).catch(() => undefined);
    const m = res?.status === 200 ? re.exec(res.body) : null;
    if (m) seen.add(m[1]);
    else await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

const shortIds = async (names: string[]) => Promise.all(names.map(async (n) => (await engine!.client.containers.inspect(n)).Id.slice(0, 12)));

test('networks: the proxy answers on the published port, the app reaches db by name, the internal backend is cut off', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const p = project('networks', 'net');
  const port = freePort();
  await compose(p, ['up', '-d', '--wait'], { PROXY_PORT: String(port) });
  const [app] = await shortIds([`${p.name}-app-1`]);
  const first = await firstGet(p, port);
  assert.equal(first.status, 200, first.body);
  assert.match(first.body, new RegExp(`^app ${app} on the backend network; db is PostgreSQL 15\\.\\d+ \\(Debian [^)]*\\); visit 1\n$`));
  assert.match((await httpGet(port)).body, /; visit 2\n$/);

  // The db (backend only) has no default route: nothing outside its network is reachable, not
  // even the host's published port through the frontend network's gateway.
  const defaultRoute = /^\S+\t00000000\t/m;
  assert.doesNotMatch(await compose(p, ['exec', '-T', 'db', 'cat', '/proc/net/route']), defaultRoute);
  assert.match(await compose(p, ['exec', '-T', 'proxy', 'cat', '/proc/net/route']), defaultRoute, 'the proxy, on frontend too, has one');
  const gateway = (await engine!.client.networks.inspect(`${p.name}_frontend`)).IPAM.Config?.[0]?.Gateway;
  assert.ok(gateway, 'frontend has a gateway');
  const out = await berth(engine!.host, ['compose', '-p', p.name, 'exec', '-T', 'db', 'bash', '-c', `echo > /dev/tcp/${gateway}/${port}`], p.dir);
  assert.notEqual(out.code, 0, 'db reached the host');
  assert.match(out.stderr, /Network is unreachable/);

  // A container on the frontend network alone neither resolves nor reaches the db.
  const dbIp = (await engine!.client.containers.inspect(`${p.name}-db-1`)).NetworkSettings.Networks?.[`${p.name}_backend`]?.IPAddress;
  assert.ok(dbIp, 'db has an address on backend');
  const probe = (network: string) => berth(engine!.host, ['run', '--rm', '--network', `${p.name}_${network}`, IMAGE, 'sh', '-c',
    `nslookup db 2>&1; echo "nslookup=$?"; nc -w 3 ${dbIp} 5432 </dev/null; echo "nc=$?"`], p.dir, {}, 120_000);
  const dbIpRe = new RegExp(`\\b${dbIp.replaceAll('.', '\\.')}\\b`);
  const fromBackend = await probe('backend');
  assert.equal(fromBackend.code, 0, fromBackend.stderr);
  assert.match(fromBackend.stdout, dbIpRe, 'the probe resolves db on backend (control)');
  assert.match(fromBackend.stdout, /^nc=0$/m, 'the probe reaches db on backend (control)');
  const fromFrontend = await probe('frontend');
  assert.equal(fromFrontend.code, 0, fromFrontend.stderr);
  assert.doesNotMatch(fromFrontend.stdout, dbIpRe, 'db resolved from frontend');
  assert.doesNotMatch(fromFrontend.stdout, /^nslookup=0$/m);
  assert.match(fromFrontend.stdout, /^nc=[1-9]\d*$/m, 'db reached from frontend');
  await compose(p, ['down', '-t', '10']);
});

test('overrides: dev (compose.override.yaml) answers in debug mode from the bind-mounted source; prod (-f) through nginx over 3 replicas', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const env = { WEB_PORT: String(freePort()) };
  const port = Number(env.WEB_PORT);
  const dev = project('overrides', 'ovr');
  await compose(dev, ['up', '-d', '--wait'], env);
  const [devId] = await shortIds([`${dev.name}-web-1`]);
  assert.equal((await httpGet(port)).body, `debug=on log_level=info served by ${devId}\n`);
  // Only the bind mount brings compose.yaml into the container (the image copies app.py alone).
  assert.match(await compose(dev, ['exec', '-T', 'web', 'cat', '/code/compose.yaml']), /^name: overrides$/m);
  assert.equal((await engine!.client.containers.list({ all: true, filters: { label: [`com.docker.compose.project=${dev.name}`] } })).length, 1);
  await compose(dev, ['down', '-t', '0']);

  const prod = project('overrides', 'ovrp', ['compose.yaml', 'compose.prod.yaml']);
  await compose(prod, ['up', '-d', '--wait'], env);
  const ids = await shortIds([1, 2, 3].map((n) => `${prod.name}-web-${n}`));
  await firstGet(prod, port);
  const seen = await collect(port, /^debug=off log_level=warning served by (\S+)\n$/, 3);
  assert.deepEqual([...seen].sort(), [...ids].sort(), 'all three replicas answered through nginx');
  const web1 = await engine!.client.containers.inspect(`${prod.name}-web-1`);
  assert.equal(web1.HostConfig.RestartPolicy?.Name, 'always');
  assert.deepEqual(web1.NetworkSettings.Ports ?? {}, { '5000/tcp': null }, 'the web replicas publish nothing');
  await assert.rejects(compose(prod, ['exec', '-T', 'web', 'cat', '/code/compose.yaml']), /No such file/, 'no bind mount in prod');
  await compose(prod, ['down', '-t', '0']);
});

test('celery-rabbitmq: a request to the web app queues a task through RabbitMQ that a worker runs, its result read back from PostgreSQL', { timeout: 900_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const p = project('celery-rabbitmq', 'cel');
  const port = freePort();
  await compose(p, ['up', '-d', '--wait'], { WEB_PORT: String(port) });
  const workers = await shortIds([`${p.name}-worker-1`, `${p.name}-worker-2`]);
  const jobs = [[2, 3], [40, 2], [7, 8], [1, 1]];
  for (const [n, [x, y]] of jobs.entries()) {
    assert.deepEqual(await httpRequest(port, `/add?x=${x}&y=${y}`, 'POST'), { status: 202, body: `job ${n + 1} queued\n` });
  }
  const doneBy = new Set<string>();
  for (const [n, [x, y]] of jobs.entries()) {
    const deadline = Date.now() + 120_000;
    let body = '';
    while (Date.now() < deadline) {
      body = (await httpGet(port, `/jobs/${n + 1}`)).body;
      if (!body.endsWith('pending\n')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const m = new RegExp(`^job ${n + 1}: ${x} \\+ ${y} = ${x + y} \\(by (\\S+)\\)\n$`).exec(body);
    assert.ok(m, `job ${n + 1} was not done by a worker: ${body}`);
    assert.ok(workers.includes(m[1]), `job ${n + 1} done by ${m[1]}, not one of the workers ${workers.join(', ')}`);
    doneBy.add(m[1]);
  }
  t.diagnostic(`jobs done by ${[...doneBy].join(', ')}`);
  await compose(p, ['down', '-t', '10']);
});
