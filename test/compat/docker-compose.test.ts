// Debian's docker-compose 1.29 (the Python one, through docker-py) against berthd: a project of two
// busybox httpd servers on a custom network reaching each other by service name, a named volume,
// and a port published on 127.0.0.1 fetched from the host; up -d, ps, logs, exec, stop, down -v.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { dockerCli, ok } from './docker-cli.js';

const COMPOSE = process.env.BERTH_DOCKER_COMPOSE ?? '/usr/bin/docker-compose';
const PROJECT = `dc${process.pid}`;
const PORT = 20000 + Math.floor(Math.random() * 20000);
let daemon: TestDaemon | undefined;
let work = '';
let skip: string | false = false;

interface Result { code: number; stdout: string; stderr: string }

/** docker-compose with DOCKER_HOST at berthd; killed (and reported) if it runs over 90 s. */
function dc(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(COMPOSE, ['-p', PROJECT, '--ansi', 'never', ...args], {
      cwd: work, env: { ...process.env, DOCKER_HOST: daemon!.dockerHost, COMPOSE_INTERACTIVE_NO_CLI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { stderr += `\n[test] docker-compose ${args.join(' ')} still running after 90 s: killed\n`; child.kill('SIGKILL'); }, 90_000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

async function dcOk(args: string[]): Promise<Result> {
  const r = await dc(args);
  assert.equal(r.code, 0, `docker-compose ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
  });
}

const server = (text: string) => `["sh", "-c", "mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www"]`;

before(async () => {
  if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
  if (spawnSync(COMPOSE, ['version'], { stdio: 'ignore' }).status !== 0) { skip = `${COMPOSE} is not installed`; return; }
  daemon = await startTestDaemon();
  work = mkdtempSync('/tmp/berth-dc-');
  await ok(dockerCli(daemon.dockerHost)(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, makeBusyboxTar(join(work, 'busybox.tar')), 'busybox:latest']), 'docker import');
  writeFileSync(join(work, 'docker-compose.yml'), `version: "3.8"
services:
  web:
    image: busybox
    command: ${server('hello from web')}
    networks: [front]
    ports: ["127.0.0.1:${PORT}:80"]
    volumes: ["data:/data"]
    depends_on: [peer]
  peer:
    image: busybox
    command: ${server('hello from peer')}
    networks: [front]
networks:
  front: {}
volumes:
  data: {}
`);
});

after(async () => {
  if (daemon) {
    await dc(['down', '-v', '-t', '0']).catch(() => undefined);
    await daemon.stop();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('docker-compose 1.29 runs a two-server project on berthd: up -d, ps, exec by name, published port, logs, stop, down -v', async (t) => {
  if (skip) return t.skip(skip);
  const docker = dockerCli(daemon!.dockerHost);
  const up = await dcOk(['up', '-d']);
  assert.match(up.stderr, new RegExp(`Creating network "${PROJECT}_front" with the default driver`));
  assert.match(up.stderr, new RegExp(`Creating volume "${PROJECT}_data" with default driver`));
  assert.match(up.stderr, new RegExp(`Creating ${PROJECT}_web_1 +\\.\\.\\. done`));

  const ps = (await dcOk(['ps'])).stdout.split('\n');
  assert.match(ps[0], /Name\s+Command\s+State\s+Ports/);
  assert.ok(ps.some((l) => new RegExp(`^${PROJECT}_peer_1\\s.*\\sUp\\s`).test(l)), ps.join('\n'));
  assert.ok(ps.some((l) => new RegExp(`^${PROJECT}_web_1\\s.*\\sUp\\s+127\\.0\\.0\\.1:${PORT}->80/tcp`).test(l)), ps.join('\n'));
  assert.deepEqual((await dcOk(['ps', '--services'])).stdout.trim().split('\n').sort(), ['peer', 'web']);

  // Each server reaches the other by its service name on the custom network.
  assert.equal((await dcOk(['exec', '-T', 'web', 'wget', '-q', '-O', '-', 'http://peer/'])).stdout, 'hello from peer\n');
  assert.equal((await dcOk(['exec', '-T', 'peer', 'wget', '-q', '-O', '-', 'http://web/'])).stdout, 'hello from web\n');
  const failing = await dc(['exec', '-T', 'web', 'sh', '-c', 'exit 7']);
  assert.equal(failing.code, 7, failing.stderr);

  // The published port answers on the host's loopback.
  assert.equal(await httpGet(PORT), 'hello from web\n');

  // The named volume is mounted and written.
  await dcOk(['exec', '-T', 'web', 'sh', '-c', 'echo kept > /data/f']);
  const mounts = await ok(docker(['inspect', '-f', '{{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}', `${PROJECT}_web_1`]), 'docker inspect');
  assert.equal(mounts, `${PROJECT}_data:/data`);

  await dcOk(['exec', '-T', 'web', 'sh', '-c', 'echo to the log > /proc/1/fd/1']);
  const logs = (await dcOk(['logs', 'web'])).stdout;
  assert.match(logs, /web_1\s+\| to the log/);

  await dcOk(['stop', '-t', '1']);
  const stopped = (await dcOk(['ps'])).stdout;
  assert.match(stopped, new RegExp(`${PROJECT}_web_1\\s.*Exit`));

  const down = await dcOk(['down', '-v']);
  assert.match(down.stderr, new RegExp(`Removing network ${PROJECT}_front`));
  assert.match(down.stderr, new RegExp(`Removing volume ${PROJECT}_data`));
  assert.equal(await ok(docker(['ps', '-aq'])), '');
  assert.doesNotMatch(await ok(docker(['volume', 'ls', '-q'])), new RegExp(`${PROJECT}_data`));
  assert.doesNotMatch(await ok(docker(['network', 'ls', '--format', '{{.Name}}'])), new RegExp(`${PROJECT}_front`));
});
