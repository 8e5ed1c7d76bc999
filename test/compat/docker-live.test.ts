// The real docker CLIs against berthd, continued: commands that stream (logs -f, events, attach),
// bind mounts and published ports, and the default table output of the everyday commands.
// Followed streams are cut by the client going away; berthd must free them and log no error.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, ping, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { CLIENTS, dockerCli, ok, type DockerClient } from './docker-cli.js';

const IMG = 'berth-live/busybox:latest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Columns of a table header line, split on Docker's runs of 2+ spaces. */
const columns = (out: string) => out.split('\n')[0].trim().split(/\s{2,}/);

function suite(client: DockerClient): void {
  let daemon: TestDaemon;
  let docker: ReturnType<typeof dockerCli>;
  let work: string;
  const d = (...args: string[]) => ok(docker(args), `docker ${args.join(' ')}`);

  /** Starts a long-running docker command; `until` resolves once its stdout matches. */
  function follow(args: string[]) {
    const child = spawn(client.binary, args, { env: { ...process.env, DOCKER_HOST: daemon.dockerHost, DOCKER_CONFIG: work, DOCKER_CLI_HINTS: 'false' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    return {
      get out() { return out; },
      async until(re: RegExp, ms = 15_000): Promise<void> {
        for (const end = Date.now() + ms; !re.test(out); await sleep(50)) if (Date.now() > end) throw new Error(`docker ${args.join(' ')}: no ${re} in ${JSON.stringify(out)}`);
      },
      async stop(): Promise<void> { child.kill('SIGKILL'); await closed; },
    };
  }

  /** berthd's log lines at warn or error since the test started (a dropped client is not an error). */
  const complaints = (from: number) => readFileSync(daemon.logFile, 'utf8').split('\n').slice(from)
    .filter((l) => /"level":"(warn|error)"/.test(l));
  const logLines = () => readFileSync(daemon.logFile, 'utf8').split('\n').length - 1;

  before(async () => {
    daemon = await startTestDaemon();
    work = mkdtempSync(join(tmpdir(), 'berth-live-'));
    docker = dockerCli(daemon.dockerHost, {}, client.binary);
    await d('import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', makeBusyboxTar(join(work, 'bb.tar')), IMG);
  });

  after(async () => {
    await daemon?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('logs -f follows a running container; the client leaving frees the stream', async () => {
    await d('run', '-d', '--name', 'ticker', IMG, 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.2; done');
    const from = logLines();
    const f = follow(['logs', '-f', '--tail', '1', 'ticker']);
    await f.until(/tick\d+\n(.|\n)*tick\d+\n/);
    const first = Number(/tick(\d+)/.exec(f.out)![1]);
    const later = Number([...f.out.matchAll(/tick(\d+)/g)].pop()![1]);
    assert.ok(later > first, 'new lines arrive while following');
    await f.stop();
    assert.ok(await ping(daemon.socket), 'berthd still answers');
    assert.equal(await d('rm', '-f', 'ticker'), 'ticker');
    assert.deepEqual(complaints(from), []);
  });

  test('events streams live; the client leaving frees the stream', async () => {
    const from = logLines();
    const f = follow(['events', '--filter', 'container=evlive', '--format', '{{.Type}} {{.Action}}']);
    await sleep(500);
    await d('run', '--rm', '--name', 'evlive', IMG, 'true');
    await f.until(/container destroy\n/);
    await f.stop();
    assert.deepEqual(f.out.trim().split('\n').filter((l) => l !== 'container attach'), ['container create', 'container start', 'container die', 'container destroy']);
    assert.ok(await ping(daemon.socket));
    assert.deepEqual(complaints(from), []);
  });

  test('stop, start, restart, kill print the names and change the state', async () => {
    await d('run', '-d', '--name', 'cycle', IMG, 'sleep', '300');
    assert.equal(await d('stop', '-t', '1', 'cycle'), 'cycle');
    assert.match(await d('ps', '-a', '--filter', 'name=cycle', '--format', '{{.State}} {{.Status}}'), /^exited Exited \(\d+\) /);
    assert.equal(await d('start', 'cycle'), 'cycle');
    assert.match(await d('ps', '--filter', 'name=cycle', '--format', '{{.State}} {{.Status}}'), /^running Up /);
    assert.equal(await d('restart', '-t', '1', 'cycle'), 'cycle');
    assert.equal(await d('kill', '-s', 'KILL', 'cycle'), 'cycle');
    assert.equal(await d('wait', 'cycle'), '137');
    assert.equal(await d('rm', 'cycle'), 'cycle');
  });

  test('run -v: a host directory bind-mounted read-write and read-only', async () => {
    const dir = join(work, 'bind');
    mkdirSync(dir);
    writeFileSync(join(dir, 'in.txt'), 'from host\n');
    assert.equal(await d('run', '--rm', '-v', `${dir}:/data`, '-w', '/data', IMG, 'sh', '-c', 'cat in.txt; echo from container > out.txt'), 'from host');
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'from container\n');
    const ro = await docker(['run', '--rm', '-v', `${dir}:/ro:ro`, IMG, 'sh', '-c', 'echo x > /ro/f']);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /Read-only file system/);
  });

  test('run -p with a random host port: port, ps and a request from the host', async () => {
    await d('run', '-d', '--name', 'pub', '-p', '127.0.0.1::80', IMG, 'sh', '-c', 'mkdir -p /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www');
    const mapping = await d('port', 'pub');
    const m = /^80\/tcp -> 127\.0\.0\.1:(\d+)$/.exec(mapping);
    assert.ok(m, mapping);
    assert.equal(await d('ps', '--filter', 'name=pub', '--format', '{{.Ports}}'), `127.0.0.1:${m[1]}->80/tcp`);
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await new Promise<string>((res) => {
        get({ host: '127.0.0.1', port: Number(m[1]), path: '/index.html', timeout: 2000 }, (r) => { let b = ''; r.on('data', (c: Buffer) => { b += c.toString(); }).on('end', () => res(b)); })
          .on('error', () => res('')).on('timeout', function (this: { destroy(): void }) { this.destroy(); });
      });
      if (!body) await sleep(100);
    }
    assert.equal(body, 'published\n');
    await d('rm', '-f', 'pub');
  });

  test('default tables: ps -a, images, stats --no-stream, system df, network ls, volume ls', async () => {
    await d('run', '-d', '--name', 'tab', IMG, 'sleep', '300');
    const ps = await d('ps', '-a');
    assert.deepEqual(columns(ps), ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
    assert.match(ps, /^[0-9a-f]{12}\s+berth-live\/busybox:latest\s+"sleep 300"\s+.* ago\s+Up .*\s+tab$/m);
    const images = await d('images');
    assert.deepEqual(columns(images).slice(0, 3), ['REPOSITORY', 'TAG', 'IMAGE ID']);
    assert.match(images, /^berth-live\/busybox\s+latest\s+[0-9a-f]{12}\s+/m);
    const stats = await d('stats', '--no-stream', 'tab');
    assert.deepEqual(columns(stats), ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
    assert.match(stats.split('\n')[1], /^[0-9a-f]{12}\s+tab\s+[\d.]+%\s+[\d.]+[KMG]i?B \/ [\d.]+[KMG]i?B\s+[\d.]+%\s+.*\s1$/);
    const df = await d('system', 'df');
    assert.deepEqual(columns(df), ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    assert.match(df, /^Images\s+1\s+1\s+/m);
    assert.match(df, /^Containers\s+1\s+1\s+/m);
    assert.match(await d('network', 'ls'), /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n(.|\n)*\sbridge\s+bridge\s+local$/m);
    await d('volume', 'create', 'tabvol');
    assert.match(await d('volume', 'ls'), /^DRIVER\s+VOLUME NAME\nlocal\s+tabvol$/);
    await d('volume', 'rm', 'tabvol');
    await d('rm', '-f', 'tab');
  });

  test('info and version: the default reports name berthd\'s facts', async () => {
    const info = await d('info');
    assert.match(info, /^ Storage Driver: overlay2$/m);
    assert.match(info, /^ Docker Root Dir: /m);
    assert.match(info, new RegExp(`^ Docker Root Dir: ${daemon.dataRoot}$`, 'm'));
    assert.match(info, /^ Containers: \d+$/m);
    const version = await d('version');
    assert.match(version, new RegExp(`^ API version:\\s+${client.apiVersion.replace('.', '\\.')}`, 'm'));
    assert.match(version, /^Server:/m);
    assert.match(version, /^ {2}API version:\s+1\.44 \(minimum version 1\.24\)$/m);
  });

  test('tag, rmi, save to stdout and load from stdin print Docker\'s lines', async () => {
    await d('tag', IMG, 'berth-live/copy:v1');
    const id = await d('image', 'inspect', '--format', '{{.Id}}', IMG);
    assert.equal(await d('image', 'inspect', '--format', '{{.Id}}', 'berth-live/copy:v1'), id);
    const saved = await new Promise<Buffer>((res, rej) => {
      const child = spawn(client.binary, ['save', 'berth-live/copy:v1'], { env: { ...process.env, DOCKER_HOST: daemon.dockerHost, DOCKER_CONFIG: work } });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', rej).on('close', (code) => (code === 0 ? res(Buffer.concat(chunks)) : rej(new Error(`save exited ${code}`))));
    });
    assert.equal(await d('rmi', 'berth-live/copy:v1'), 'Untagged: berth-live/copy:v1');
    assert.equal((await docker(['load'], { input: saved })).stdout.trim().split('\n').pop(), 'Loaded image: berth-live/copy:v1');
    await d('tag', IMG, 'berth-live/only:v1');
    await d('rmi', IMG, 'berth-live/copy:v1');
    // The last tag goes with the image itself: Docker prints the deleted ids too.
    const last = await d('rmi', 'berth-live/only:v1');
    assert.match(last, new RegExp(`^Untagged: berth-live/only:v1\\nDeleted: ${id}`));
    await d('import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', join(work, 'bb.tar'), IMG);
  });

  test('system prune removes stopped containers and unused networks and says what it reclaimed', async () => {
    await d('network', 'create', 'unused');
    await d('run', '--name', 'done', IMG, 'true');
    const out = await d('system', 'prune', '-f');
    assert.match(out, /^Deleted Containers:\n[0-9a-f]{64}\n/m);
    assert.match(out, /^Deleted Networks:\nunused$/m);
    assert.match(out, /^Total reclaimed space: [\d.]+k?B$/m);
    assert.equal(await d('ps', '-a', '-q'), '');
    assert.doesNotMatch(await d('network', 'ls', '--format', '{{.Name}}'), /unused/);
  });
}

for (const client of CLIENTS) describe(`${client.label}: streams and tables`, { skip: client.skip }, () => suite(client));
