// Attached `up` follows a container across its restarts, as docker compose does: every run's lines
// once, `exited with code N` at each exit, and the end only when nothing will restart any more.
// `compose attach` joins a service container's streams to ours.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BERTH, onEachEngine } from './engine.js';

onEachEngine('ora', (fx) => {
  const { project, ok, states } = fx;

  fx.test('attached up keeps following a container its restart policy restarts', async () => {
    // Each run counts itself in a volume, prints its number and fails: on-failure:2 allows three runs.
    const p = project('restarts', `services:
  flaky:
    image: busybox
    command: ["sh", "-c", "n=$$(cat /state/n 2>/dev/null || echo 0); n=$$((n+1)); echo $$n > /state/n; echo run $$n; sleep 1; exit 3"]
    restart: "on-failure:2"
    volumes: [state:/state]
volumes:
  state: {}
`);
    const r = await fx.compose(p, ['up', '-t', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('flaky-1'));
    assert.deepEqual(lines, [
      'flaky-1  | run 1', 'flaky-1 exited with code 3',
      'flaky-1  | run 2', 'flaky-1 exited with code 3',
      'flaky-1  | run 3', 'flaky-1 exited with code 3',
    ], r.stdout);
    assert.deepEqual(await states(p), { 'flaky-1': 'exited' });
    await ok(p, ['down', '-v']);
  });

  fx.test('attached up keeps following a container berthd restarts because it turned unhealthy', async (t) => {
    // berth's self-healing (label berth.health-on-failure); Docker has none, so berthd only.
    if (fx.kind !== 'berthd') return t.skip('health-on-failure is berthd\'s');
    // Run 1 never turns healthy and is replaced; run 2 is healthy and ends by itself.
    const p = project('heal', `services:
  sick:
    image: busybox
    command: ["sh", "-c", "n=$$(cat /state/n 2>/dev/null || echo 0); n=$$((n+1)); echo $$n > /state/n; echo run $$n; if [ $$n -ge 2 ]; then touch /state/ok; sleep 1; exit 0; fi; exec sleep 1000"]
    stop_signal: SIGKILL
    labels: {berth.health-on-failure: restart}
    healthcheck: {test: ["CMD", "test", "-f", "/state/ok"], interval: 1s, timeout: 1s, retries: 1}
    volumes: [state:/state]
volumes:
  state: {}
`);
    const r = await fx.compose(p, ['up', '-t', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('sick-1'));
    assert.deepEqual(lines, ['sick-1  | run 1', 'sick-1 exited with code 137', 'sick-1  | run 2', 'sick-1 exited with code 0'], r.stdout);
    await ok(p, ['down', '-v']);
  });

  fx.test('attach joins a service container\'s stdin and stdout to ours (--index picks the replica); its exit code is ours', async (t) => {
    const p = project('attach', `services:
  echo:
    image: busybox
    command: ["sh", "-c", "read line; echo got $$line from $$(hostname); exit 5"]
    stdin_open: true
    scale: 2
`);
    await ok(p, ['up', '-d']);
    const second = (await fx.engine.client.containers.inspect(`${p}-echo-2`)).Config.Hostname;
    const child = spawn(BERTH, ['compose', '-f', `${p}.yaml`, 'attach', '--index', '2', 'echo'], { cwd: fx.dir, env: { ...process.env, DOCKER_HOST: fx.engine.host }, stdio: ['pipe', 'pipe', 'pipe'] });
    t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // The attach is in place once the CLI is up; a line written before that waits in the pipe.
    child.stdin.write('hello\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(stdout, `got hello from ${second}\n`, stderr);
    assert.equal(code, 5, stderr);
    assert.deepEqual(await states(p), { 'echo-1': 'running', 'echo-2': 'exited' });
    const stopped = await fx.compose(p, ['attach', '--index', '2', 'echo']);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /service "echo" is not running/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('attached up follows the services named (--attach-dependencies: and theirs), --attach only those, --no-attach all but those, never attach: false ones unasked', async () => {
    const p = project('which', `services:
  front:
    image: busybox
    command: ["sh", "-c", "sleep 1; echo front says hi"]
    depends_on: [back]
  back:
    image: busybox
    command: ["sh", "-c", "sleep 1; echo back says hi"]
  mute:
    image: busybox
    command: ["sh", "-c", "sleep 1; echo mute says hi"]
    attach: false
`);
    const attached = async (args: string[]) => {
      const r = await ok(p, ['up', ...args]);
      await ok(p, ['down', '-t', '0']);
      return r.stdout.split('\n').filter((l) => / says hi$|^Attaching/.test(l)).sort();
    };
    assert.deepEqual(await attached(['front']), ['Attaching to front-1', 'front-1  | front says hi']);
    assert.deepEqual(await attached(['--attach-dependencies', 'front']), ['Attaching to back-1, front-1', 'back-1   | back says hi', 'front-1  | front says hi']);
    assert.deepEqual(await attached(['--no-attach', 'front']), ['Attaching to back-1', 'back-1  | back says hi']);
    assert.deepEqual(await attached(['--attach', 'back']), ['Attaching to back-1', 'back-1  | back says hi']);
    assert.deepEqual(await attached([]), ['Attaching to back-1, front-1', 'back-1   | back says hi', 'front-1  | front says hi'], 'attach: false is left out');
    assert.deepEqual(await attached(['--attach', 'mute']), ['Attaching to mute-1', 'mute-1  | mute says hi']);
  });

  fx.test('attached up shows a container\'s new lines only, not those of its runs before this up', async () => {
    const p = project('fresh', `services:
  once:
    image: busybox
    command: ["sh", "-c", "echo run at $$(date +%s%N); sleep 2"]
`);
    await ok(p, ['up', '-d']);
    const deadline = Date.now() + 30_000;
    while ((await states(p))['once-1'] !== 'exited') {
      assert.ok(Date.now() < deadline, 'the first run did not end');
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 1500)); // the first run's line is now well before the next up
    const r = await ok(p, ['up']);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes('| run at')).length, 1, r.stdout);
    assert.match(r.stdout, /once-1 exited with code 0/);
    await ok(p, ['down', '-t', '0']);
  });
});
