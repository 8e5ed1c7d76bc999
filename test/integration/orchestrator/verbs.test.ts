// The rest of Compose's verbs and rules end to end, on berthd and on Docker: create/start, cp both
// ways, config, version, events, images, profiles, several -f files, replicas answering as one
// name (DNS round-robin), an optional dependency, a refused key, and `down --rmi all` (last: it
// removes busybox).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { onEachEngine } from './engine.js';

onEachEngine('orv', (fx) => {
  const { project, compose, ok, states } = fx;

  const SLEEPER = `services:
  box:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`;

  fx.test('version, config, create then start, and cp into and out of a service', async (t) => {
    t.diagnostic(`engine: ${fx.engine.kind}`);
    const p = project('cp', SLEEPER);
    assert.match((await ok(p, ['version'])).stdout, /version/);
    assert.match((await ok(p, ['config', '--services'])).stdout, /^box\n$/);
    const created = await ok(p, ['create']);
    assert.match(created.stderr, new RegExp(` Container ${p}-box-1  Created`));
    assert.deepEqual(await states(p), { 'box-1': 'created' });
    await ok(p, ['start']);
    assert.deepEqual(await states(p), { 'box-1': 'running' });
    writeFileSync(join(fx.dir, 'in.txt'), 'copied in\n');
    await ok(p, ['cp', './in.txt', 'box:/tmp/in.txt']);
    assert.equal((await ok(p, ['exec', '-T', 'box', 'cat', '/tmp/in.txt'])).stdout, 'copied in\n');
    await ok(p, ['exec', '-T', 'box', 'sh', '-c', 'echo from the box > /tmp/out.txt']);
    await ok(p, ['cp', 'box:/tmp/out.txt', './out.txt']);
    assert.equal(readFileSync(join(fx.dir, 'out.txt'), 'utf8'), 'from the box\n');
    const missing = await compose(p, ['cp', './in.txt', 'nope:/tmp']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such service: nope/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('profiles: a service in a profile starts only with --profile; an optional dependency on it is skipped', async () => {
    const p = project('prof', `services:
  app:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: {debug: {condition: service_started, required: false}}
  debug:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    profiles: [tools]
`);
    await ok(p, ['up', '-d']);
    assert.deepEqual(await states(p), { 'app-1': 'running' });
    await ok(p, ['--profile', 'tools', 'up', '-d']);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'debug-1': 'running' });
    await ok(p, ['--profile', 'tools', 'down', '-t', '0']);
    assert.deepEqual(await states(p), {});
  });

  fx.test('several -f files merge: the override changes one service and adds another', async () => {
    const p = project('multi', `services:
  web:
    image: busybox
    command: ["sh", "-c", "echo mode=$$MODE; exec sleep 1000"]
    stop_signal: SIGKILL
    environment: {MODE: base}
`);
    writeFileSync(join(fx.dir, `${p}.override.yaml`), `services:
  web:
    environment: {MODE: override}
  extra:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    const files = [`${p}.yaml`, `${p}.override.yaml`];
    await ok(p, ['up', '-d'], files);
    assert.deepEqual(await states(p), { 'extra-1': 'running', 'web-1': 'running' });
    const web = await fx.engine.client.containers.inspect(`${p}-web-1`);
    assert.ok(web.Config.Env?.includes('MODE=override'), String(web.Config.Env));
    assert.equal(web.Config.Labels?.['com.docker.compose.project.config_files'], files.map((f) => join(fx.dir, f)).join(','));
    await ok(p, ['down', '-t', '0'], files);
  });

  fx.test('replicas: the service name resolves to every replica (DNS round-robin)', async () => {
    const p = project('rr', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    deploy: {replicas: 3}
  client:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    await ok(p, ['up', '-d']);
    assert.deepEqual(await states(p), { 'client-1': 'running', 'web-1': 'running', 'web-2': 'running', 'web-3': 'running' });
    const ips = new Set<string>();
    for (const n of [1, 2, 3]) {
      const c = await fx.engine.client.containers.inspect(`${p}-web-${n}`);
      ips.add(c.NetworkSettings.Networks?.[`${p}_default`]?.IPAddress ?? '');
    }
    const out = (await ok(p, ['exec', '-T', 'client', 'nslookup', 'web'])).stdout;
    // The answer section, after the server's own address.
    const answered = new Set([...out.split('Name:').slice(1).join('\n').matchAll(/Address(?: \d+)?:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]));
    assert.deepEqual([...answered].sort(), [...ips].sort(), out);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('a key berth cannot apply is refused by name before anything is created', async () => {
    const p = project('refuse', `services:
  box:
    image: busybox
    mem_swappiness: 10
`);
    const r = await compose(p, ['up', '-d']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /service "box": "mem_swappiness" is not supported by berth compose yet/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(await states(p), {});
  });

  fx.test('mac_address sets the container\'s MAC on its primary network; uts: host shares the host\'s name', async () => {
    const p = project('macuts', `services:
  box:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    mac_address: "02:42:ac:11:00:99"
    networks: {default: {priority: 10}, side: {}}
  host:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    uts: host
networks:
  side: {}
`);
    await ok(p, ['up', '-d']);
    const box = await fx.engine.client.containers.inspect(`${p}-box-1`);
    assert.equal(box.NetworkSettings.Networks?.[`${p}_default`]?.MacAddress, '02:42:ac:11:00:99');
    const macs = (await ok(p, ['exec', '-T', 'box', 'sh', '-c', 'cat /sys/class/net/*/address'])).stdout.trim().split('\n');
    assert.ok(macs.includes('02:42:ac:11:00:99'), macs.join(' '));
    assert.equal((await ok(p, ['exec', '-T', 'host', 'hostname'])).stdout.trim(), hostname());
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('--parallel 1 does one container operation at a time; by default they overlap', async () => {
    const p = project('par', `services:
${['a', 'b', 'c'].map((n) => `  ${n}:\n    image: busybox\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n`).join('')}`);
    /** The Container progress lines' statuses in order (`Creating Created Starting Started ...`). */
    const statuses = (stderr: string, verbs: RegExp) => stderr.split('\n').map((l) => / Container \S+ {2}(\w+)$/.exec(l)?.[1]).filter((v): v is string => v !== undefined && verbs.test(v));
    const serial = (list: string[]) => list.every((v, i) => (i % 2 === 0 ? /ing$/.test(v) : !/ing$/.test(v)));
    const one = await ok(p, ['--parallel', '1', 'up', '-d']);
    const made = statuses(one.stderr, /^(Creating|Created|Starting|Started)$/);
    assert.equal(made.length, 12, one.stderr);
    assert.ok(serial(made), `one operation at a time:\n${one.stderr}`);
    const down = await ok(p, ['down', '-t', '0', '--parallel', '1']);
    assert.ok(serial(statuses(down.stderr, /^(Stopping|Stopped|Removing|Removed)$/)), down.stderr);
    const all = await ok(p, ['up', '-d']);
    assert.ok(!serial(statuses(all.stderr, /^(Creating|Created)$/)), `unlimited: creates overlap\n${all.stderr}`);
    const bad = await compose(p, ['--parallel', 'two', 'ps']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid argument "two" for "--parallel" flag/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('events and images list the project\'s own; down --rmi all removes the image', async () => {
    const started = Date.now();
    const p = project('ev', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: [db]
  db:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    await ok(p, ['up', '-d']);
    assert.equal((await ok(p, ['up', '-d', '--progress', 'quiet'])).stderr, '');
    const json = (await ok(p, ['up', '-d', '--progress', 'json'])).stderr.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
    assert.deepEqual(json.find((e) => e.id === `Container ${p}-web-1`)?.status, 'Running');
    const db = (await fx.engine.client.containers.inspect(`${p}-db-1`)).Id;
    const since = String(Math.floor(started / 1000) - 1);
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const ev = (await ok(p, ['events', '--json', '--since', since, '--until', until, 'db'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { service: string; action: string; id: string });
    assert.ok(ev.length > 0 && ev.every((e) => e.service === 'db'), JSON.stringify(ev));
    assert.ok(ev.some((e) => e.action === 'start' && e.id === db), JSON.stringify(ev));
    const images = (await ok(p, ['images'])).stdout.split('\n');
    assert.match(images[0], /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$/);
    assert.match(images[1], new RegExp(`^${p}-db-1\\s+busybox\\s+latest\\s+[0-9a-f]{12}\\s+\\d`));
    assert.equal(images.filter(Boolean).length, 3);
    const down = await ok(p, ['down', '-t', '0', '--rmi', 'all']);
    assert.match(down.stderr, / Image busybox {2}Removed/);
    assert.deepEqual(await states(p), {});
    await assert.rejects(fx.engine.client.images.inspect('busybox'), /No such image|not found/i);
  });
});
