// `berth run` / `create` / `start` against a real engine: output streams kept apart, exit codes as
// docker gives them (container's code, 125 for daemon/flag errors, 126/127 when the command can't run).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startEngine, IMAGE } from './engine.js';

const engine = await startEngine();
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI run tests: ${skip}\n`);

describe('berth run', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  after(async () => e.stop());

  test('attached run keeps stdout and stderr apart and exits with the container code', async () => {
    const r = await e.berth(['run', '--rm', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.code, 3);
  });

  test('signals to an attached run reach the container (sig-proxy)', async () => {
    const child = spawn(process.execPath, [join(resolve(import.meta.dirname, '../../..'), 'bin/berth'), 'run', '--rm', IMAGE, 'sh', '-c',
      'trap "echo got-term; exit 9" TERM; echo ready; sleep 30 & wait'], { env: { ...process.env, DOCKER_HOST: e.host } });
    let out = '';
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) child.kill('SIGTERM');
      });
      child.on('close', done);
    });
    assert.equal(out, 'ready\ngot-term\n');
    assert.equal(code, 9);
  });

  test('--rm removes the container once it exited', async () => {
    const r = await e.berth(['run', '--rm', '--name', 'run-rm', IMAGE, 'true']);
    assert.equal(r.code, 0, r.stderr);
    const ps = await e.berth(['ps', '-a', '--filter', 'name=run-rm', '-q']);
    assert.equal(ps.stdout, '');
  });

  test('-i forwards stdin and its EOF to the container', async () => {
    const r = await e.berth(['run', '--rm', '-i', IMAGE, 'sh', '-c', 'cat; echo done'], { input: 'line1\nline2\n' });
    assert.equal(r.stdout, 'line1\nline2\ndone\n');
    assert.equal(r.code, 0);
  });

  test('-e, --env-file, -w, -u, --hostname, --entrypoint and -l reach the container', async () => {
    const r = await e.berth(['run', '--rm', '-e', 'A=1', '-e', 'B=two words', '-w', '/tmp', '-u', '65534', '--hostname', 'box', '--entrypoint', 'sh',
      IMAGE, '-c', 'echo "$A|$B|$(pwd)|$(id -u)|$(hostname)"']);
    assert.equal(r.stdout, '1|two words|/tmp|65534|box\n', r.stderr);
  });

  test('-d prints the full ID; logs, wait and inspect see the container', async () => {
    const r = await e.berth(['run', '-d', '--name', 'run-detached', '-l', 'team=cli', IMAGE, 'sh', '-c', 'echo hello; exit 7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    const w = await e.berth(['wait', 'run-detached']);
    assert.equal(w.stdout, '7\n');
    const logs = await e.berth(['logs', 'run-detached']);
    assert.equal(logs.stdout, 'hello\n');
    const i = await e.berth(['inspect', '-f', '{{.State.ExitCode}} {{index .Config.Labels "team"}} {{.Name}}', 'run-detached']);
    assert.equal(i.stdout, '7 cli /run-detached\n');
    assert.equal((await e.berth(['rm', 'run-detached'])).stdout, 'run-detached\n');
  });

  test('a command that does not exist exits 127, one that cannot run 126', async () => {
    const notFound = await e.berth(['run', '--rm', IMAGE, 'nosuchcommand']);
    assert.equal(notFound.code, 127);
    assert.match(notFound.stderr, /^berth: Error response from daemon: .*nosuchcommand/);
    const notExec = await e.berth(['run', '--rm', IMAGE, '/etc/passwd']);
    assert.equal(notExec.code, 126);
  });

  test('flag and daemon errors exit 125 with one clear line', async () => {
    const conflict = await e.berth(['run', '--rm', '--restart', 'always', IMAGE, 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /conflicting options: cannot specify both --restart and --rm/);
    const badMem = await e.berth(['run', '--memory', 'lots', IMAGE, 'true']);
    assert.equal(badMem.code, 125);
    assert.match(badMem.stderr, /invalid argument "lots" for "-m, --memory" flag/);
    const unknownFlag = await e.berth(['run', '--bogus', IMAGE]);
    assert.equal(unknownFlag.code, 125);
    const noImage = await e.berth(['run', '--pull', 'never', 'nosuchimage:1', 'true']);
    assert.equal(noImage.code, 125);
    assert.match(noImage.stderr, /Error response from daemon: .*nosuchimage/i);
  });

  test('a name already in use is refused by the daemon', async () => {
    assert.equal((await e.berth(['create', '--name', 'dup', IMAGE, 'true'])).code, 0);
    const again = await e.berth(['create', '--name', 'dup', IMAGE, 'true']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /Error response from daemon: .*"\/?dup".*already in use/);
    await e.berth(['rm', '-f', 'dup']);
  });

  test('create then start -a attaches like run and exits with the code', async () => {
    const c = await e.berth(['create', '--name', 'created', IMAGE, 'sh', '-c', 'echo from-create; exit 2']);
    assert.equal(c.code, 0, c.stderr);
    const s = await e.berth(['start', '-a', 'created']);
    assert.equal(s.stdout, 'from-create\n');
    assert.equal(s.code, 2);
    await e.berth(['rm', 'created']);
  });

  test('resource and security flags land in the container config', async () => {
    const r = await e.berth(['create', '--name', 'limits', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', '--cap-drop', 'NET_RAW',
      '--cap-add', 'SYS_TIME', '--read-only', '--init', '--restart', 'on-failure:3', '--stop-signal', 'SIGUSR1', '--stop-timeout', '4',
      '--security-opt', 'no-new-privileges', '--tmpfs', '/scratch:size=1m', '--add-host', 'db:10.0.0.2', '--dns', '10.0.0.53',
      '--health-cmd', 'true', '--health-interval', '5s', '--log-opt', 'max-size=1m', IMAGE, 'true']);
    assert.equal(r.code, 0, r.stderr);
    const f = '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}} ' +
      '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.Init}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} ' +
      '{{.Config.StopSignal}} {{.Config.StopTimeout}} {{.HostConfig.SecurityOpt}} {{.HostConfig.Tmpfs}} {{.HostConfig.ExtraHosts}} ' +
      '{{.HostConfig.Dns}} {{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{index .HostConfig.LogConfig.Config "max-size"}}';
    const i = await e.berth(['container', 'inspect', '-f', f, 'limits']);
    assert.equal(i.stdout, '67108864 500000000 50 [NET_RAW] [SYS_TIME] true true on-failure:3 SIGUSR1 4 [no-new-privileges] ' +
      'map[/scratch:size=1m] [db:10.0.0.2] [10.0.0.53] [CMD-SHELL true] 5000000000 1m\n', i.stderr);
    await e.berth(['rm', 'limits']);
  });
});
