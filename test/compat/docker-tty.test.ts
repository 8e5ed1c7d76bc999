// Interactive use of the real docker CLIs through a pseudo-terminal (util-linux `script`): typing
// into `run -it`, `exec -it` and `attach`, exit codes, the terminal's size reaching the container,
// and detaching with ctrl-p ctrl-q or custom --detach-keys.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestDaemon } from '../helpers/daemon.js';
import { CLIENTS, daemonWithBusybox, dockerCli, ok, type DockerClient } from './docker-cli.js';

const IMG = 'berth-tty/busybox:latest';
const noScript = !existsSync('/usr/bin/script') && 'util-linux script is not installed';

const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;

function suite(client: DockerClient): void {
  let daemon: TestDaemon;
  let docker: ReturnType<typeof dockerCli>;

  before(async () => {
    ({ daemon, docker } = await daemonWithBusybox(IMG, client.binary));
  });

  after(() => daemon?.stop());

  /**
   * Runs `docker args` on a pty of `size` (rows, cols), typing `keys` (each after a pause);
   * resolves with the output and exit code.
   */
  function onTty(args: string[], keys: string[], size: [number, number] = [24, 80]): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
      const cmd = `stty rows ${size[0]} cols ${size[1]}; exec ${[client.binary, ...args].map(quote).join(' ')}`;
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

  test('run -it: typed commands run in the container and the shell\'s exit code comes back', { skip: noScript }, async () => {
    const r = await onTty(['run', '-it', '--rm', IMG, 'sh'], ['echo typed-$((1+1))\r', 'exit 7\r']);
    assert.equal(r.code, 7);
    assert.match(r.out, /typed-2\r\n/);
  });

  test('exec -it: an interactive shell in a running container, sized like the client\'s terminal', { skip: noScript }, async () => {
    await ok(docker(['run', '-d', '--name', 'ttyexec', IMG, 'sleep', '300']));
    const r = await onTty(['exec', '-it', 'ttyexec', 'sh'], ['tty\r', 'stty size\r', 'exit 5\r'], [33, 77]);
    assert.equal(r.code, 5);
    assert.match(r.out, /\/dev\/pts\/\d+\r\n/);
    assert.match(r.out, /\r\n33 77\r\n/);
    await ok(docker(['rm', '-f', 'ttyexec']));
  });

  test('run -it: the container\'s terminal gets the client\'s size', { skip: noScript }, async () => {
    const r = await onTty(['run', '-it', '--rm', IMG, 'sh'], ['stty size\r', 'exit\r'], [41, 101]);
    assert.equal(r.code, 0);
    assert.match(r.out, /\r\n41 101\r\n/);
  });

  test('ctrl-p ctrl-q detaches from run -it and leaves the container running', { skip: noScript }, async () => {
    const r = await onTty(['run', '-it', '--name', 'detached', IMG, 'sh'], ['echo before\r', '\x10\x11']);
    assert.equal(r.code, 0);
    assert.match(r.out, /before\r\n/);
    assert.equal(await ok(docker(['inspect', '--format', '{{.State.Status}}', 'detached'])), 'running');
    await ok(docker(['rm', '-f', 'detached']));
  });

  test('attach to a tty container: typing works, custom --detach-keys leave it running', { skip: noScript }, async () => {
    await ok(docker(['run', '-dit', '--name', 'attachme', IMG, 'sh']));
    // ctrl-p ctrl-q is not the sequence here, so it is typed through to the shell.
    const r = await onTty(['attach', '--detach-keys', 'ctrl-x,x', 'attachme'], ['echo attached-$((2*3))\r', '\x18x']);
    // As with Docker: attach and exec report the detach as "read escape sequence", exit code 1.
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /attached-6\r\n(.|\n)*read escape sequence/);
    assert.equal(await ok(docker(['inspect', '--format', '{{.State.Status}}', 'attachme'])), 'running');
    // Attached again, the shell is the same one and exit ends the container with its code.
    const again = await onTty(['attach', 'attachme'], ['exit 3\r']);
    assert.equal(again.code, 3);
    assert.equal(await ok(docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'attachme'])), 'exited 3');
    await ok(docker(['rm', 'attachme']));
  });

  test('exec -it --detach-keys: detaching leaves the exec\'d process running', { skip: noScript }, async () => {
    await ok(docker(['run', '-d', '--name', 'execdetach', IMG, 'sleep', '300']));
    const r = await onTty(['exec', '-it', '--detach-keys', 'ctrl-a', 'execdetach', 'sh', '-c', 'echo in-exec; exec sleep 200'], ['\x01']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /in-exec\r\nread escape sequence/);
    assert.match(await ok(docker(['top', 'execdetach'])), /sleep 200/);
    await ok(docker(['rm', '-f', 'execdetach']));
  });
}

for (const client of CLIENTS) describe(`${client.label}: terminals`, { skip: client.skip }, () => suite(client));
