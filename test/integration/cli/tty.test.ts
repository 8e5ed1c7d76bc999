// -t with a real terminal: `script` gives berth a pty; typing reaches the shell, the TTY has our
// size, and the exit code comes back. (Raw mode, SIGWINCH resize and half-close go through attach-io.)
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startEngine, IMAGE } from './engine.js';

const BERTH = join(resolve(import.meta.dirname, '../../..'), 'bin/berth');
const hasScript = spawnSync('which', ['script']).status === 0;
const engine = hasScript ? await startEngine() : 'util-linux script is not installed';
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI TTY tests: ${skip}\n`);

function inTerminal(host: string, shellLine: string, input: string, delayMs = 0): Promise<{ out: string; code: number | null }> {
  return new Promise((done) => {
    const child = spawn('script', ['-qec', shellLine, '/dev/null'], { env: { ...process.env, DOCKER_HOST: host, BERTH: BERTH } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => { clearTimeout(timer); done({ out, code }); });
    // A delayed input is typed once berth has put the terminal in raw mode (ctrl-q is XON before that).
    if (delayMs) setTimeout(() => child.stdin.write(input), delayMs);
    else child.stdin.end(input);
  });
}

describe('berth with a terminal', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  after(async () => e.stop());

  test('run -it: keystrokes reach the shell and its exit code is ours', async () => {
    const r = await inTerminal(e.host, `node "$BERTH" run -it --rm ${IMAGE} sh`, 'echo typed-$((6*7))\nexit 3\n');
    assert.match(r.out, /typed-42/);
    assert.equal(r.code, 3);
  });

  test('run -t gives the container a TTY of our size', async () => {
    const r = await inTerminal(e.host, `stty rows 33 cols 101; node "$BERTH" run -t --rm ${IMAGE} sh -c 'sleep 0.5; tty; stty size'`, '');
    assert.match(r.out, /\/dev\/pts\/\d+\r*\n/);
    assert.match(r.out, /33 101/);
    assert.equal(r.code, 0);
  });

  test('ctrl-p ctrl-q detaches and leaves the container running', async () => {
    assert.equal((await e.berth(['run', '-d', '-it', '--name', 'detachable', IMAGE, 'sh'])).code, 0);
    const typed = await inTerminal(e.host, 'node "$BERTH" attach detachable', '\x10\x11', 1500);
    assert.equal(typed.code, 0);
    const st = await e.berth(['inspect', '-f', '{{.State.Running}}', 'detachable']);
    assert.equal(st.stdout, 'true\n');
    await e.berth(['rm', '-f', 'detachable']);
  });

  test('exec -it runs an interactive shell in a running container', async () => {
    await e.berth(['run', '-d', '--name', 'ttybox', IMAGE, 'sleep', '60']);
    const r = await inTerminal(e.host, 'node "$BERTH" exec -it ttybox sh', 'echo in-exec-$((2+2))\nexit 6\n');
    assert.match(r.out, /in-exec-4/);
    assert.equal(r.code, 6);
    await e.berth(['rm', '-f', 'ttybox']);
  });
});
