// start/stop/restart/rm, --force-recreate, orphans, a failing dependency, and attached `up`
// stopped by Ctrl-C, with the real `bin/berth compose` on a real engine.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, berth, onEachEngine } from './engine.js';

onEachEngine('orl', (fx) => {
  const { project, compose, ok, states } = fx;

  const SLEEPERS = `services:
  app:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: [base]
  base:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`;

  fx.test('stop, start, restart and rm act on the existing containers', async () => {
    const p = project('life', SLEEPERS);
    await ok(p, ['up', '-d']);
    const stop = await ok(p, ['stop']);
    // Dependents stop first.
    assert.ok(stop.stderr.indexOf(`${p}-app-1  Stopped`) < stop.stderr.indexOf(`${p}-base-1  Stopping`), stop.stderr);
    assert.deepEqual(await states(p), { 'app-1': 'exited', 'base-1': 'exited' });
    await ok(p, ['start', 'base']);
    assert.deepEqual(await states(p), { 'app-1': 'exited', 'base-1': 'running' });
    await ok(p, ['start']);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'base-1': 'running' });
    const before = (await fx.engine.client.containers.inspect(`${p}-app-1`)).State.StartedAt;
    await ok(p, ['restart', 'app']);
    assert.notEqual((await fx.engine.client.containers.inspect(`${p}-app-1`)).State.StartedAt, before);
    const rmRunning = await ok(p, ['rm', '-f']);
    assert.match(rmRunning.stderr, /No stopped containers/);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'base-1': 'running' });
    await ok(p, ['rm', '-f', '-s', 'app']);
    assert.deepEqual(await states(p), { 'base-1': 'running' });
    await ok(p, ['down']);
    assert.deepEqual(await states(p), {});
  });

  fx.test('top, scale, pause, unpause and kill', async () => {
    const p = project('signals', SLEEPERS);
    await ok(p, ['up', '-d']);
    const top = (await ok(p, ['top', 'app'])).stdout.split('\n');
    assert.equal(top[0], `${p}-app-1`);
    assert.match(top[1], /PID/);
    assert.ok(top.some((l) => /sleep 1000/.test(l)), top.join('\n'));
    await ok(p, ['scale', 'app=2']);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'app-2': 'running', 'base-1': 'running' });
    await ok(p, ['scale', 'app=1']);
    await ok(p, ['pause', 'app']);
    assert.deepEqual(await states(p), { 'app-1': 'paused', 'base-1': 'running' });
    await ok(p, ['unpause']);
    assert.deepEqual(await states(p), { 'app-1': 'running', 'base-1': 'running' });
    const killed = await ok(p, ['kill', '-s', 'SIGKILL']);
    assert.match(killed.stderr, new RegExp(` Container ${p}-base-1  Killed`));
    assert.deepEqual(await states(p), { 'app-1': 'exited', 'base-1': 'exited' });
    await ok(p, ['down']);
  });

  fx.test('--force-recreate replaces every container; --no-recreate keeps a diverged one', async () => {
    const p = project('force', SLEEPERS);
    await ok(p, ['up', '-d']);
    const ids = async () => Object.fromEntries((await fx.engine.client.containers.list({ filters: { label: [`com.docker.compose.project=${p}`] } })).map((c) => [c.Names[0], c.Id]));
    const first = await ids();
    await ok(p, ['up', '-d', '--force-recreate']);
    const second = await ids();
    for (const name of Object.keys(first)) assert.notEqual(second[name], first[name], `${name} recreated`);
    project('force', SLEEPERS.replace('["sleep", "1000"]', '["sleep", "2000"]'));
    await ok(p, ['up', '-d', '--no-recreate']);
    assert.deepEqual(await ids(), second);
    await ok(p, ['down']);
  });

  fx.test('a recreated container keeps its anonymous volumes; -V gives it new ones', async () => {
    const svc = (v: string) => `services:
  cache:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    environment: {V: "${v}"}
    volumes: ["/cache"]
`;
    const p = project('anon', svc('1'));
    await ok(p, ['up', '-d']);
    await ok(p, ['exec', '-T', 'cache', 'sh', '-c', 'echo warm > /cache/f']);
    project('anon', svc('2'));
    await ok(p, ['up', '-d']);
    assert.equal((await ok(p, ['exec', '-T', 'cache', 'cat', '/cache/f'])).stdout, 'warm\n');
    await ok(p, ['up', '-d', '--force-recreate', '-V']);
    const r = await compose(p, ['exec', '-T', 'cache', 'cat', '/cache/f']);
    assert.notEqual(r.code, 0, 'a renewed anonymous volume is empty');
    await ok(p, ['down', '-v', '-t', '0']);
  });

  fx.test('orphans are reported by up and removed with --remove-orphans', async () => {
    const p = project('orphan', SLEEPERS);
    await ok(p, ['up', '-d']);
    project('orphan', SLEEPERS.replace(/ {4}depends_on: \[base\]\n/, '').replace(/ {2}base:\n(?: {4}.*\n)+/, ''));
    const warned = await ok(p, ['up', '-d']);
    assert.match(warned.stderr, new RegExp(`Found orphan containers \\(\\[${p}-base-1\\]\\)`));
    assert.deepEqual(await states(p), { 'app-1': 'running', 'base-1': 'running' });
    await ok(p, ['up', '-d', '--remove-orphans']);
    assert.deepEqual(await states(p), { 'app-1': 'running' });
    await ok(p, ['down']);
  });

  fx.test('a dependency that fails stops up with the service and the reason; its dependent never starts', async () => {
    const p = project('fail', `services:
  migrate:
    image: busybox
    command: ["sh", "-c", "exit 3"]
  app:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    depends_on: {migrate: {condition: service_completed_successfully}}
`);
    const r = await compose(p, ['up', '-d']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /service "migrate" didn't complete successfully: exit 3/);
    assert.equal(r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith(' ')).length, 1, `one error line:\n${r.stderr}`);
    assert.deepEqual(await states(p), { 'app-1': 'created', 'migrate-1': 'exited' });
    await ok(p, ['down']);
  });

  fx.test('wait and up --exit-code-from return the exit code of the service that exits (the latter stopping everything)', async () => {
    const p = project('exitcode', `services:
  server:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
  tester:
    image: busybox
    command: ["sh", "-c", "echo testing; sleep 1; exit 4"]
    depends_on: [server]
`);
    await ok(p, ['up', '-d']);
    const waited = await compose(p, ['wait', 'tester']);
    assert.equal(waited.code, 4, waited.stderr);
    await ok(p, ['down', '-t', '0']);
    const r = await compose(p, ['up', '--exit-code-from', 'tester', '-t', '1']);
    assert.equal(r.code, 4, r.stderr);
    assert.ok(r.stdout.includes('tester-1  | testing\n'), r.stdout);
    assert.match(r.stdout, /Aborting on container exit\.\.\./);
    assert.deepEqual(await states(p), { 'server-1': 'exited', 'tester-1': 'exited' });
    await ok(p, ['down']);
  });

  fx.test('up --wait --wait-timeout gives up on a service that never turns healthy', async () => {
    const p = project('never', `services:
  sick:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    healthcheck: {test: ["CMD", "false"], interval: 10s, retries: 3, start_period: 30s}
`);
    const started = Date.now();
    const r = await compose(p, ['up', '-d', '--wait', '--wait-timeout', '2']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /application not healthy after 2s/);
    assert.ok(Date.now() - started < 15_000, 'gave up in time');
    await ok(p, ['down']);
  });

  fx.test('without a Compose file, -p NAME is enough for ps and down (-v), which go by labels', async () => {
    const p = project('nofile', `services:
  keeper:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    volumes: [kept:/kept]
volumes:
  kept: {}
`);
    await ok(p, ['up', '-d']);
    const empty = mkdtempSync(join(fx.dir, 'empty-'));
    const byName = (args: string[]) => berth(fx.engine.host, ['compose', '-p', p, ...args], empty);
    const ps = await byName(['ps', '-q']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.equal(ps.stdout.trim().split('\n').length, 1);
    const down = await byName(['down', '-v', '-t', '0']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await states(p), {});
    const label = [`com.docker.compose.project=${p}`];
    assert.deepEqual((await fx.engine.client.networks.list({ label })).map((n) => n.Name), []);
    assert.deepEqual((await fx.engine.client.volumes.list({ label })).map((v) => v.Name), []);
  });

  fx.test('services reach each other by service name and by alias on their project network', async () => {
    const p = project('dns', `services:
  server:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    networks: {back: {aliases: [db.internal]}}
  client:
    image: busybox
    command: ["sh", "-c", "ping -c 1 -W 3 server >/dev/null && echo NAME-OK; ping -c 1 -W 3 db.internal >/dev/null && echo ALIAS-OK; true"]
    depends_on: [server]
    networks: [back]
networks:
  back: {}
`);
    await ok(p, ['up', '-d']);
    const server = await fx.engine.client.containers.inspect(`${p}-server-1`);
    assert.deepEqual(Object.keys(server.NetworkSettings.Networks ?? {}), [`${p}_back`]);
    const { StatusCode } = await fx.engine.client.containers.wait(`${p}-client-1`);
    assert.equal(StatusCode, 0);
    const logs = (await ok(p, ['logs', '--no-log-prefix', 'client'])).stdout;
    assert.match(logs, /NAME-OK/);
    assert.match(logs, /ALIAS-OK/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('exec runs a command in a service container (exit code passed on); secrets are read-only files; port prints the published address', async () => {
    writeFileSync(join(fx.dir, 'token.txt'), 's3cret\n');
    const p = project('exec', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    ports: ["127.0.0.1::80"]
    secrets: [token]
secrets:
  token: {file: ./token.txt}
`);
    await ok(p, ['up', '-d']);
    const r = await compose(p, ['exec', '-T', '-e', 'X=hi', 'web', 'sh', '-c', 'echo $X from $(hostname); exit 3']);
    assert.equal(r.code, 3, r.stderr);
    const id = (await fx.engine.client.containers.inspect(`${p}-web-1`)).Id;
    assert.equal(r.stdout, `hi from ${id.slice(0, 12)}\n`);
    assert.equal((await ok(p, ['exec', '-T', 'web', 'cat', '/run/secrets/token'])).stdout, 's3cret\n');
    const write = await compose(p, ['exec', '-T', 'web', 'sh', '-c', 'echo x > /run/secrets/token']);
    assert.notEqual(write.code, 0, 'secrets are read-only');
    const port = (await ok(p, ['port', 'web', '80'])).stdout;
    assert.match(port, /^127\.0\.0\.1:\d+\n$/);
    const missing = await compose(p, ['exec', '-T', 'nope', 'true']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such service: nope/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('network_mode service: joins the other container\'s network namespace, and follows it when it is recreated', async () => {
    const yaml = (text: string) => `services:
  main:
    image: busybox
    command: ["sh", "-c", "mkdir /www && echo ${text} > /www/x && exec httpd -f -p 8080 -h /www"]
    stop_signal: SIGKILL
  side:
    image: busybox
    command: ["sh", "-c", "sleep 1; wget -q -O - http://127.0.0.1:8080/x; exec sleep 1000"]
    stop_signal: SIGKILL
    network_mode: "service:main"
`;
    const p = project('netns', yaml('first'));
    await ok(p, ['up', '-d']);
    const waitLog = async (want: string) => {
      for (let i = 0; i < 40; i++) {
        const out = (await ok(p, ['logs', '--no-log-prefix', 'side'])).stdout;
        if (out.includes(want)) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.fail(`side never printed ${want}`);
    };
    await waitLog('first');
    const sideBefore = (await fx.engine.client.containers.inspect(`${p}-side-1`)).Id;
    project('netns', yaml('second'));
    const r = await ok(p, ['up', '-d']);
    assert.match(r.stderr, new RegExp(` Container ${p}-side-1  Recreated`));
    assert.notEqual((await fx.engine.client.containers.inspect(`${p}-side-1`)).Id, sideBefore);
    await waitLog('second');
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('run: a one-off container after its dependencies, its exit code, --rm, -d; down removes one-offs', async () => {
    const p = project('run', SLEEPERS);
    const r = await compose(p, ['run', '--rm', '-e', 'X=1', 'app', 'sh', '-c', 'echo one-off $X; exit 5']);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, 'one-off 1\n');
    assert.deepEqual(await states(p), { 'base-1': 'running' }, 'the dependency is up, the --rm one-off gone');
    const d = await ok(p, ['run', '-d', 'app']);
    assert.match(d.stdout, new RegExp(`^${p}-app-run-[0-9a-f]{12}\n$`));
    const oneOff = await fx.engine.client.containers.inspect(d.stdout.trim());
    assert.equal(oneOff.Config.Labels?.['com.docker.compose.oneoff'], 'True');
    assert.equal(oneOff.State.Running, true);
    assert.equal((await ok(p, ['ps', '-q'])).stdout.trim().split('\n').length, 1, 'ps lists service containers only');
    assert.ok((await ok(p, ['ps', '-a', '-q'])).stdout.includes(oneOff.Id), 'ps -a includes one-offs');
    await ok(p, ['down', '-t', '0']);
    assert.deepEqual(await states(p), {});
  });

  fx.test('run -v mounts a host path (relative to the project) and -p publishes a port instead of the service\'s', async () => {
    const p = project('runopts', `services:
  web:
    image: busybox
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    ports: ["127.0.0.1::81"]
`);
    mkdirSync(join(fx.dir, 'runvol'), { recursive: true });
    writeFileSync(join(fx.dir, 'runvol/f'), 'from the host\n');
    const r = await ok(p, ['run', '--rm', '-v', './runvol:/data:ro', 'web', 'cat', '/data/f']);
    assert.equal(r.stdout, 'from the host\n');
    const d = await ok(p, ['run', '-d', '-p', '127.0.0.1::80', 'web']);
    const ports = (await fx.engine.client.containers.inspect(d.stdout.trim())).HostConfig.PortBindings;
    assert.deepEqual(Object.keys(ports ?? {}), ['80/tcp']);
    assert.equal(ports?.['80/tcp']?.[0]?.HostIp, '127.0.0.1');
    const bad = await compose(p, ['run', '--rm', '-p', '1:2:3:4', 'web', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid --publish "1:2:3:4"/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('attached up prints prefixed logs and stops the project on Ctrl-C', async (t) => {
    const p = project('attach', `services:
  talker:
    image: busybox
    command: ["sh", "-c", "echo hello; exec sleep 1000"]
`);
    const child = spawn(BERTH, ['compose', '-f', `${p}.yaml`, 'up', '-t', '1'], { cwd: fx.dir, env: { ...process.env, DOCKER_HOST: fx.engine.host }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    await new Promise<void>((resolveP, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line within 20 s:\n${stdout}\n${stderr}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('talker-1  | hello\n')) { clearTimeout(timer); resolveP(); }
      });
    });
    assert.match(stdout, /^Attaching to talker-1\n/);
    child.kill('SIGINT');
    const code = await exited;
    assert.match(stdout, /Gracefully stopping\.\.\. \(press Ctrl\+C again to force\)/);
    assert.match(stderr, new RegExp(` Container ${p}-talker-1  Stopped`));
    assert.equal(code, 130);
    assert.deepEqual(await states(p), { 'talker-1': 'exited' });
    await ok(p, ['down']);
  });
});
