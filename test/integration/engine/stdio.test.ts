// Attach and exec streams: stdin reaches the process and its EOF too, ttys are real, exit codes
// of execs are known before their streams end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestEngine, cleanupEngine, spec, readAll, type TestEngine } from './harness.js';
import type { ExecSpec } from '../../../src/engine/types.js';

let t: TestEngine;
before(async () => { t = await openTestEngine(); });
after(async () => { await t?.engine.shutdown(); if (t) await cleanupEngine(t.root); });

const attachAll = { stdin: true, stdout: true, stderr: true, logs: false, stream: true };

test('attach before start: stdin echoes through cat and EOF ends it (docker run -i)', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['cat'], { openStdin: true, stdinOnce: true, attachStdin: true }));
  const session = await c.attach(id, attachAll);
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  assert.ok(session.stdin);
  session.stdin.write('hello\n');
  session.stdin.end('world\n');
  const out = await readAll(session.stdout);
  assert.equal(out, 'hello\nworld\n');
  assert.equal((await result).exitCode, 0);
  await session.done;
});

test('attach to a running container sees new output on stdout and stderr apart', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'read x; echo "out $x"; echo "err $x" >&2'], { openStdin: true, stdinOnce: true }));
  await c.start(id);
  const session = await c.attach(id, attachAll);
  session.stdin?.end('abc\n');
  const [out, err] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
  assert.equal(out, 'out abc\n');
  assert.equal(err, 'err abc\n');
});

test('a tty container gets a real terminal of the size asked', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'read x; stty size; tty'], { tty: true, openStdin: true, stdinOnce: true }));
  const session = await c.attach(id, attachAll);
  await c.start(id);
  await c.resize(id, 100, 30);
  session.stdin?.write('go\r');
  const out = await readAll(session.stdout);
  assert.match(out, /30 100\r\n/);
  assert.match(out, /\/dev\/pts\/\d+/);
});

test('the console size given at create is the pty size from the first instruction', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['stty', 'size'], { tty: true }, { consoleSize: [33, 91] }));
  const session = await c.attach(id, { ...attachAll, stdin: false });
  await c.start(id);
  assert.equal(await readAll(session.stdout), '33 91\r\n');
});

function execSpec(cmd: string[], over: Partial<ExecSpec> = {}): ExecSpec {
  return { cmd, env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, privileged: false, ...over };
}

test('exec runs in the container, keeps streams apart and reports its exit code', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sleep', '100'], {}, { init: true }));
  await c.start(id);
  const execId = await t.engine.exec.create(id, execSpec(['sh', '-c', 'echo $FOO; echo oops >&2; hostname; exit 5'], { env: ['FOO=bar'] }));
  const session = await t.engine.exec.start(execId, { detach: false, tty: false });
  assert.ok(session);
  const [out, err] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
  assert.equal(out, `bar\n${id.slice(0, 12)}\n`);
  assert.equal(err, 'oops\n');
  const rec = await t.engine.exec.get(execId);
  assert.equal(rec.exitCode, 5);
  assert.equal(rec.running, false);

  // stdin and EOF, through cat
  const catId = await t.engine.exec.create(id, execSpec(['cat'], { attachStdin: true }));
  const cat = await t.engine.exec.start(catId, { detach: false, tty: false });
  cat?.stdin?.end('piped\n');
  assert.equal(await readAll(cat!.stdout), 'piped\n');
  assert.equal((await t.engine.exec.get(catId)).exitCode, 0);

  // with a tty
  const ttyId = await t.engine.exec.create(id, execSpec(['sh', '-c', 'tty; stty size'], { tty: true }));
  const tty = await t.engine.exec.start(ttyId, { detach: false, tty: true, consoleSize: [20, 70] });
  assert.match(await readAll(tty!.stdout), /^\/dev\/pts\/\d+\r\n20 70\r\n$/);

  // stdin asked for, but the process is gone before the monitor's socket is reached: no error
  const quickId = await t.engine.exec.create(id, execSpec(['true'], { attachStdin: true, tty: true }));
  const quick = await t.engine.exec.start(quickId, { detach: false, tty: true });
  quick?.stdin?.end('ignored\n');
  await readAll(quick!.stdout);
  assert.equal((await t.engine.exec.get(quickId)).exitCode, 0);

  // detached
  const dId = await t.engine.exec.create(id, execSpec(['sh', '-c', 'exit 4']));
  assert.equal(await t.engine.exec.start(dId, { detach: true, tty: false }), null);
  for (let i = 0; i < 50 && (await t.engine.exec.get(dId)).exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await t.engine.exec.get(dId)).exitCode, 4);
  await c.remove(id, { force: true, volumes: false });
});
