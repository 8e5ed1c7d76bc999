// `berth compose` on a terminal (a pty from util-linux `script`), on berthd: `up -d` draws Compose's
// live block (`[+] Running 2/2`, a green ✔ per resource), attached `up` colours each container's
// log prefix, the first Ctrl-C stops the project gracefully and a second one kills it. Without a
// terminal the same verbs print plain lines (the other suites check those).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, berth, startEngine, type Engine } from './engine.js';

const P = `ortty${process.pid}`;
let engine: Engine | undefined;
let skip: string | false = false;
let dir = '';

before(async () => {
  if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
  if (!existsSync('/usr/bin/script')) { skip = 'util-linux script is not installed'; return; }
  const started = await startEngine('berthd');
  if (typeof started === 'string') { skip = started; return; }
  engine = started;
  dir = mkdtempSync(join(tmpdir(), 'orch-tty-'));
  writeFileSync(join(dir, 'compose.yaml'), `name: ${P}
services:
  talker:
    image: busybox
    command: ["sh", "-c", "echo hello from talker; exec sleep 1000"]
  other:
    image: busybox
    command: ["sh", "-c", "echo hello from other; exec sleep 1000"]
`);
});

after(async () => {
  if (engine) {
    await berth(engine.host, ['compose', 'down', '-t', '0'], dir).catch(() => undefined);
    await engine.stop();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Pty { output(): string; type(s: string): void; waitFor(re: RegExp, ms?: number): Promise<void>; exited: Promise<number | null>; kill(): void }

/** `berth compose ARGS` on a fresh pty (80 columns); what it prints, and a keyboard. */
function onPty(args: string[]): Pty {
  const cmd = `stty cols 80; exec ${BERTH} compose ${args.join(' ')}`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: { ...process.env, DOCKER_HOST: engine!.host, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    output: () => out,
    type: (s) => { child.stdin.write(s); },
    async waitFor(re, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`no ${re} within ${ms / 1000} s; the terminal showed:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exited,
    kill: () => { if (child.exitCode === null) child.kill('SIGKILL'); },
  };
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

test('up -d on a terminal draws the live block: title with counts, a green ✔ and a time per resource', async (t) => {
  if (skip) return t.skip(skip);
  const pty = onPty(['up', '-d']);
  t.after(() => pty.kill());
  assert.equal(await pty.exited, 0, pty.output());
  const out = pty.output();
  assert.match(out, /\[\+\] Running 3\/3/);
  assert.match(out, /\x1b\[\d+A/, 'redrawn in place (cursor up)');
  assert.match(out, /\x1b\[32m✔\x1b\[0m Container ortty\d+-talker-1 +Started +\d+\.\ds/);
  assert.match(strip(out), / ✔ Network ortty\d+_default +Created +\d+\.\ds/);
  // Not a terminal: plain lines, no escape codes.
  const plain = await berth(engine!.host, ['compose', 'up', '-d'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /\x1b/);
  assert.match(plain.stderr, / Container ortty\d+-talker-1 {2}Running/);
  await berth(engine!.host, ['compose', 'down', '-t', '0'], dir);
});

test('attached up on a terminal: coloured prefixes; Ctrl-C stops gracefully, a second Ctrl-C kills', async (t) => {
  if (skip) return t.skip(skip);
  // `sleep` as PID 1 ignores SIGTERM: a graceful stop would wait the full 60 s timeout.
  const pty = onPty(['up', '-t', '60']);
  t.after(() => pty.kill());
  await pty.waitFor(/hello from talker/);
  await pty.waitFor(/hello from other/);
  const out = pty.output();
  assert.match(out, /\x1b\[3\dm(other|talker)-1 +\| \x1b\[0mhello from/);
  assert.match(out, /\x1b\[36mother-1 +\| \x1b\[0mhello from other/, 'the first container in name order takes cyan');
  assert.match(out, /\x1b\[33mtalker-1 {2}\| \x1b\[0mhello from talker/);
  pty.type('\x03');
  await pty.waitFor(/Gracefully stopping\.\.\. \(press Ctrl\+C again to force\)/);
  await pty.waitFor(/Stopping/);
  const started = Date.now();
  pty.type('\x03');
  const code = await pty.exited;
  assert.ok(Date.now() - started < 20_000, 'the second Ctrl-C did not wait for the 60 s grace');
  assert.equal(code, 130, pty.output());
  const list = await engine!.client.containers.list({ all: true, filters: { label: [`com.docker.compose.project=${P}`] } });
  assert.deepEqual(list.map((c) => c.State), ['exited', 'exited']);
});
