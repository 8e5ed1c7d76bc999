// Interactive use of the real docker CLI through a pseudo-terminal (util-linux `script`):
// typing into `run -it` and `exec -it`, exit codes, and ctrl-p ctrl-q detaching.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { dockerCli, ok, DOCKER } from './docker-cli.js';

const IMG = 'berth-tty/busybox:latest';
let daemon: TestDaemon;
let docker: ReturnType<typeof dockerCli>;
const hasScript = existsSync('/usr/bin/script');

before(async () => {
  daemon = await startTestDaemon();
  docker = dockerCli(daemon.dockerHost);
  const tar = makeBusyboxTar();
  try {
    await ok(docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMG]));
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
});

after(() => daemon?.stop());

/** Runs `docker args` on a pty, typing `keys` (each after a pause); resolves with output and exit code. */
function onTty(args: string[], keys: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [DOCKER, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, DOCKER_HOST: daemon.dockerHost, DOCKER_CLI_HINTS: 'false' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out; output so far: ${out}`)); }, 20_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, out: out.replace(/\0/g, '') }); });
    let i = 0;
    const typeNext = () => {
      if (i >= keys.length) return;
      child.stdin.write(keys[i++]);
      setTimeout(typeNext, 400);
    };
    // Give the shell a moment to come up before typing; keep stdin open so the pty stays alive.
    setTimeout(typeNext, 1000);
  });
}

test('run -it: typed commands run in the container and the shell\'s exit code comes back', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const r = await onTty(['run', '-it', '--rm', IMG, 'sh'], ['echo typed-$((1+1))\r', 'exit 7\r']);
  assert.equal(r.code, 7);
  assert.match(r.out, /typed-2\r\n/);
});

test('exec -it: an interactive shell in a running container', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  await ok(docker(['run', '-d', '--name', 'ttyexec', IMG, 'sleep', '300']));
  const r = await onTty(['exec', '-it', 'ttyexec', 'sh'], ['tty\r', 'exit 5\r']);
  assert.equal(r.code, 5);
  assert.match(r.out, /\/dev\/pts\/\d+\r\n/);
  await ok(docker(['rm', '-f', 'ttyexec']));
});

test('ctrl-p ctrl-q detaches from run -it and leaves the container running', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const r = await onTty(['run', '-it', '--name', 'detached', IMG, 'sh'], ['echo before\r', '\x10\x11']);
  assert.equal(r.code, 0);
  assert.match(r.out, /before\r\n/);
  assert.equal(await ok(docker(['inspect', '--format', '{{.State.Status}}', 'detached'])), 'running');
  await ok(docker(['rm', '-f', 'detached']));
});
