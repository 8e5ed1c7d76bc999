// The real docker CLIs (28.x, and Debian's 20.10 when installed) against berthd: every command's
// output checked, not just its exit code. Each client gets its own berthd.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { CLIENTS, dockerCli, ok, type CliResult, type DockerClient } from './docker-cli.js';

const IMG = 'berth-compat/busybox:latest';

function suite(client: DockerClient): void {
  let daemon: TestDaemon;
  let docker: ReturnType<typeof dockerCli>;
  let work: string;
  let tarPath: string;

  before(async () => {
    daemon = await startTestDaemon();
    docker = dockerCli(daemon.dockerHost, {}, client.binary);
    work = mkdtempSync(join(tmpdir(), 'berth-compat-'));
    tarPath = makeBusyboxTar(join(work, 'busybox.tar'));
  });

  after(async () => {
    await daemon?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const d = (...args: string[]) => ok(docker(args), `docker ${args.join(' ')}`);

  test(`version: the CLI negotiates API ${client.apiVersion} with berthd (1.44) and uses it`, async () => {
    const out = await d('version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}} {{.Client.APIVersion}}');
    assert.equal(out, `1.44 1.24 linux ${client.apiVersion}`);
    await d('ps');
    // berthd's request log: the client really talks at the negotiated version.
    // The request line is logged when the response has finished, so it may land just after the CLI exits.
    const logged = () => readFileSync(daemon.logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l).path as string);
    let paths = logged();
    for (let i = 0; i < 50 && !paths.includes(`/v${client.apiVersion}/containers/json`); i++) {
      await new Promise((r) => setTimeout(r, 100));
      paths = logged();
    }
    assert.ok(paths.includes(`/v${client.apiVersion}/containers/json`), `requests: ${paths.join(' ')}`);
  });

  test('info: driver, root dir and runtime come from berthd', async () => {
    const out = await d('info', '--format', '{{.Driver}}|{{.DockerRootDir}}|{{.DefaultRuntime}}|{{.OSType}}');
    assert.equal(out, `overlay2|${daemon.dataRoot}|runc|linux`);
  });

  test('import: a busybox rootfs tar with --change becomes an image', async () => {
    const r = await docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tarPath, IMG]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const env = await d('image', 'inspect', '--format', '{{json .Config.Env}} {{json .Config.Cmd}}', IMG);
    assert.equal(env, `["PATH=${BUSYBOX_PATH}"] ["sh"]`);
  });

  test('images: lists the imported image with its tag', async () => {
    const out = await d('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}');
    assert.match(out, /^berth-compat\/busybox:latest [0-9a-f]{12}$/m);
  });

  test('run --rm: output comes back and the exit code propagates', async () => {
    const hello = await docker(['run', '--rm', IMG, 'echo', 'hello']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello\n');
    const three = await docker(['run', '--rm', IMG, 'sh', '-c', 'echo to-err >&2; exit 3']);
    assert.equal(three.code, 3);
    assert.equal(three.stderr, 'to-err\n');
    const left = await d('ps', '-a', '--format', '{{.Image}}');
    assert.ok(!left.includes(IMG), `--rm containers are gone, found: ${left}`);
  });

  test('run --rm --name: the name is free again as soon as the run returns', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await docker(['run', '--rm', '--name', 'rm-again', IMG, 'sh', '-c', `exit ${i}`]);
      assert.equal(r.code, i, r.stderr);
    }
    assert.equal(await d('ps', '-a', '--filter', 'name=rm-again', '-q'), '');
  });

  test('run -i: piped stdin reaches the process and its EOF ends it', async () => {
    const r = await docker(['run', '-i', '--rm', IMG, 'cat'], { input: 'hi\nthere\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\nthere\n');
  });

  test('run -d, logs, ps --format, stop, rm', async () => {
    const id = await d('run', '-d', '--name', 'ticker', IMG, 'sh', '-c', 'echo started; echo oops >&2; while true; do sleep 1; done');
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await d('ps', '--format', '{{.Names}}|{{.Image}}|{{.Status}}|{{.ID}}');
    assert.match(ps, new RegExp(`^ticker\\|${IMG.replace(/[/.]/g, '\\$&')}\\|Up .*\\|${id.slice(0, 12)}$`, 'm'));
    let logs: CliResult = { code: 1, stdout: '', stderr: '' };
    for (let i = 0; i < 50; i++) {
      logs = await docker(['logs', 'ticker']);
      if (logs.stdout.includes('started') && logs.stderr.includes('oops')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(logs.stdout, 'started\n');
    assert.equal(logs.stderr, 'oops\n');
    const ts = await docker(['logs', '-t', '--tail', '2', 'ticker']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z started\n$/);
    assert.match(ts.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z oops\n$/);
    assert.equal((await docker(['logs', '--tail', '1', 'ticker'])).stderr, 'oops\n');
    await d('stop', '-t', '1', 'ticker');
    assert.match(await d('ps', '-a', '--filter', 'name=ticker', '--format', '{{.Status}}'), /^Exited \(\d+\)/);
    assert.equal(await d('rm', 'ticker'), 'ticker');
    assert.equal(await d('ps', '-a', '--filter', 'name=ticker', '-q'), '');
  });

  test('logs --since and --until cut by time', async () => {
    await d('run', '--name', 'timed', IMG, 'sh', '-c', 'echo early; sleep 1.5; echo late');
    const stamps = (await d('logs', '-t', 'timed')).split('\n').map((l) => l.split(' ')[0]);
    const middle = new Date((Date.parse(stamps[0]) + Date.parse(stamps[1])) / 2).toISOString();
    assert.equal(await d('logs', '--since', middle, 'timed'), 'late');
    assert.equal(await d('logs', '--until', middle, 'timed'), 'early');
    await d('rm', 'timed');
  });

  test('exec: output, stderr, exit code and piped stdin', async () => {
    await d('run', '-d', '--name', 'execme', IMG, 'sleep', '300');
    const r = await docker(['exec', 'execme', 'sh', '-c', 'echo out; echo err >&2; exit 5']);
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const cat = await docker(['exec', '-i', 'execme', 'cat'], { input: 'piped\n' });
    assert.equal(cat.stdout, 'piped\n');
    assert.equal(await d('exec', '-e', 'X=42', '-w', '/tmp', 'execme', 'sh', '-c', 'echo $X $(pwd)'), '42 /tmp');
    // The default seccomp profile holds for the container's process and its execs (berthd hands crun
    // the compiled program instead of the profile once one container has compiled it).
    assert.match(await d('exec', 'execme', 'grep', 'Seccomp:', '/proc/1/status'), /Seccomp:\s+2/);
    assert.match(await d('exec', 'execme', 'grep', 'Seccomp:', '/proc/self/status'), /Seccomp:\s+2/);
    assert.match(await d('exec', 'execme', 'sh', '-c', 'swapoff /nonexistent 2>&1; true'), /Operation not permitted/);
    await d('rm', '-f', 'execme');
  });

  test('inspect, rename, wait, kill', async () => {
    await d('run', '-d', '--name', 'insp', '-l', 'team=core', '-e', 'FOO=bar', IMG, 'sleep', '300');
    const out = await d('inspect', '--format', '{{.Name}}|{{.State.Status}}|{{.State.Running}}|{{.Config.Image}}|{{index .Config.Labels "team"}}|{{.Path}}', 'insp');
    assert.equal(out, `/insp|running|true|${IMG}|core|sleep`);
    await d('rename', 'insp', 'insp2');
    assert.equal(await d('inspect', '--format', '{{.Name}}', 'insp2'), '/insp2');
    await d('kill', 'insp2');
    assert.equal(await d('wait', 'insp2'), '137');
    assert.equal(await d('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'insp2'), 'exited 137');
    await d('run', '-d', '--name', 'seven', IMG, 'sh', '-c', 'sleep 0.2; exit 7');
    assert.equal(await d('wait', 'seven'), '7');
    await d('rm', 'insp2', 'seven');
  });

  test('top lists the container\'s processes', async () => {
    await d('run', '-d', '--name', 'topme', IMG, 'sleep', '300');
    const out = await d('top', 'topme');
    assert.match(out.split('\n')[0], /PID/);
    assert.match(out, /sleep 300/);
    await d('rm', '-f', 'topme');
  });

  test('cp: files both ways', async () => {
    await d('run', '-d', '--name', 'cpme', IMG, 'sh', '-c', 'echo inside > /tmp/in.txt; sleep 300');
    const src = join(work, 'host.txt');
    writeFileSync(src, 'from host\n');
    await d('cp', src, 'cpme:/tmp/host.txt');
    assert.equal(await d('exec', 'cpme', 'cat', '/tmp/host.txt'), 'from host');
    for (let i = 0; i < 30 && (await docker(['exec', 'cpme', 'test', '-f', '/tmp/in.txt'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const dest = join(work, 'out.txt');
    await d('cp', 'cpme:/tmp/in.txt', dest);
    assert.equal(readFileSync(dest, 'utf8'), 'inside\n');
    await d('rm', '-f', 'cpme');
  });

  test('export a container and import its filesystem as a new image', async () => {
    await d('run', '--name', 'exported', IMG, 'sh', '-c', 'echo kept > /root/marker');
    const file = join(work, 'exported.tar');
    await d('export', '-o', file, 'exported');
    await d('import', '--change', `ENV PATH=${BUSYBOX_PATH}`, file, 'berth-compat/exported:latest');
    assert.equal(await d('run', '--rm', 'berth-compat/exported', 'cat', '/root/marker'), 'kept');
    await d('rm', 'exported');
  });

  test('commit keeps the filesystem and the config, with --change on top', async () => {
    await d('run', '--name', 'tocommit', '-e', 'GREETING=hello $USER "x"', '-w', '/root', IMG, 'sh', '-c', 'echo committed > /root/file');
    const id = await d('commit', '--change', 'LABEL stage=two', 'tocommit', 'berth-compat/committed:v1');
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await d('run', '--rm', 'berth-compat/committed:v1', 'sh', '-c', 'cat file; echo "$GREETING"; pwd'), 'committed\nhello $USER "x"\n/root');
    assert.equal(await d('image', 'inspect', '--format', '{{index .Config.Labels "stage"}}', 'berth-compat/committed:v1'), 'two');
    await d('rm', 'tocommit');
  });

  test('cp: directories both ways, into an existing directory and to a new name', async () => {
    await d('run', '-d', '--name', 'cpdir', IMG, 'sleep', '300');
    const src = join(work, 'tree');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub', 'leaf.txt'), 'leaf\n');
    await d('cp', src, 'cpdir:/tmp');
    assert.equal(await d('exec', 'cpdir', 'cat', '/tmp/tree/sub/leaf.txt'), 'leaf');
    await d('cp', src, 'cpdir:/tmp/renamed');
    assert.equal(await d('exec', 'cpdir', 'cat', '/tmp/renamed/sub/leaf.txt'), 'leaf');
    const back = join(work, 'back');
    await d('cp', 'cpdir:/tmp/tree', back);
    assert.equal(readFileSync(join(back, 'sub', 'leaf.txt'), 'utf8'), 'leaf\n');
    const missing = await docker(['cp', 'cpdir:/nope', join(work, 'x')]);
    assert.notEqual(missing.code, 0);
    // The 28 CLI shows the daemon's 404 message; 20.10 wrote its own line.
    assert.equal(missing.stderr.trim(), client.major >= 25 ? 'Error response from daemon: Could not find the file /nope in container cpdir' : 'Error: No such container:path: cpdir:/nope');
    await d('rm', '-f', 'cpdir');
  });

  test('save, rmi, load round trip', async () => {
    await d('tag', IMG, 'berth-compat/copy:v1');
    const file = join(work, 'saved.tar');
    await d('save', '-o', file, 'berth-compat/copy:v1');
    assert.ok(existsSync(file));
    const rmi = await d('rmi', 'berth-compat/copy:v1');
    assert.match(rmi, /Untagged: berth-compat\/copy:v1/);
    const loaded = await d('load', '-i', file);
    assert.match(loaded, /Loaded image: berth-compat\/copy:v1/);
    assert.match(await d('images', '--format', '{{.Repository}}:{{.Tag}}'), /^berth-compat\/copy:v1$/m);
  });

  test('events: a container\'s life in order', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await d('run', '--rm', '--name', 'evented', IMG, 'true');
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const out = await d('events', '--since', since, '--until', until, '--filter', 'container=evented', '--format', '{{.Type}} {{.Action}}');
    const actions = out.split('\n').map((l) => l.replace(/^container /, ''));
    for (const a of ['create', 'attach', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `missing ${a} in ${actions.join(',')}`);
    assert.ok(actions.indexOf('create') < actions.indexOf('start') && actions.indexOf('start') < actions.indexOf('die'));
  });

  test('run options: -e, -w, -u, --hostname, -t', async () => {
    assert.equal(await d('run', '--rm', '-e', 'A=1', '-w', '/tmp', '-u', 'nobody', '--hostname', 'hh', IMG, 'sh', '-c', 'echo $A $(pwd) $(id -u) $(hostname)'), '1 /tmp 65534 hh');
    const tty = await docker(['run', '--rm', '-t', IMG, 'sh', '-c', 'echo tty-out; exit 2']);
    assert.equal(tty.code, 2);
    assert.equal(tty.stdout, 'tty-out\r\n', 'a tty turns \\n into \\r\\n and merges the streams');
  });

  test('run of a missing command fails with 127 and leaves no --rm container', async () => {
    const r = await docker(['run', '--rm', '--name', 'nocmd', IMG, 'nosuchcmd']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /Error response from daemon: .*executable file not found/);
    assert.equal(await d('ps', '-a', '--filter', 'name=nocmd', '-q'), '');
  });

  test('start -a, attach, logs -f follow a container to its end', async () => {
    await d('create', '--name', 'starta', IMG, 'sh', '-c', 'echo via-start; exit 2');
    const sa = await docker(['start', '-a', 'starta']);
    assert.equal(sa.code, 2);
    assert.equal(sa.stdout, 'via-start\n');
    await d('run', '-d', '--name', 'follow', IMG, 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done; exit 4');
    const att = docker(['attach', 'follow']);
    const lf = await docker(['logs', '-f', 'follow']);
    assert.equal(lf.stdout, 'line1\nline2\nline3\n');
    const a = await att;
    assert.equal(a.code, 4);
    assert.match(a.stdout, /line3\n$/);
    await d('rm', 'starta', 'follow');
  });

  test('pause, unpause, restart, stats --no-stream', async () => {
    await d('run', '-d', '--name', 'pz', IMG, 'sleep', '300');
    await d('pause', 'pz');
    assert.match(await d('ps', '--filter', 'name=pz', '--format', '{{.Status}}'), /\(Paused\)$/);
    await d('unpause', 'pz');
    assert.equal(await d('inspect', '--format', '{{.State.Status}}', 'pz'), 'running');
    const pid1 = await d('inspect', '--format', '{{.State.Pid}}', 'pz');
    await d('restart', '-t', '1', 'pz');
    const pid2 = await d('inspect', '--format', '{{.State.Pid}}', 'pz');
    assert.notEqual(pid1, pid2);
    const stats = await d('stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}} {{.MemUsage}}', 'pz');
    assert.match(stats, /^pz 1 [0-9.]+[KMG]i?B \/ [0-9.]+[KMG]i?B$/);
    await d('rm', '-f', 'pz');
  });

  test('container prune and system prune remove stopped containers', async () => {
    await d('run', '--name', 'stopped1', IMG, 'true');
    const out = await d('container', 'prune', '-f');
    assert.match(out, /Deleted Containers:/);
    assert.equal(await d('ps', '-a', '--filter', 'name=stopped1', '-q'), '');
    await d('run', '--name', 'stopped2', IMG, 'true');
    const sys = await docker(['system', 'prune', '-f']);
    assert.equal(sys.code, 0, sys.stderr);
    assert.equal(await d('ps', '-a', '--filter', 'name=stopped2', '-q'), '');
    assert.match(await d('system', 'df', '--format', '{{.Type}}'), /Images/);
  });

  test('a client pinned to an older API (1.40) still runs, logs and execs', async () => {
    const old = dockerCli(daemon.dockerHost, { DOCKER_API_VERSION: '1.40' }, client.binary);
    assert.equal(await ok(old(['version', '--format', '{{.Client.APIVersion}}'])), '1.40');
    const r = await old(['run', '--rm', IMG, 'sh', '-c', 'echo old-api; echo old-err >&2; exit 4']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [4, 'old-api\n', 'old-err\n']);
    await ok(old(['run', '-d', '--name', 'oldapi', IMG, 'sleep', '300']));
    assert.equal(await ok(old(['exec', 'oldapi', 'echo', 'exec-old'])), 'exec-old');
    await ok(old(['rm', '-f', 'oldapi']));
    const tooNew = await dockerCli(daemon.dockerHost, { DOCKER_API_VERSION: '1.47' }, client.binary)(['ps']);
    assert.equal(tooNew.code, 1);
    assert.match(tooNew.stderr, /client version 1\.47 is too new\. Maximum supported API version is 1\.44/);
  });

  test('ps -s and system df show what a container wrote', async () => {
    await d('run', '--name', 'writer', IMG, 'sh', '-c', 'head -c 2000000 /dev/zero > /root/blob');
    const size = await d('ps', '-a', '-s', '--filter', 'name=writer', '--format', '{{.Size}}');
    assert.match(size, /^2(\.\d+)?MB \(virtual \d+(\.\d+)?MB\)$/);
    const df = await d('system', 'df', '--format', '{{.Type}} {{.Size}}');
    assert.match(df, /^Containers 2(\.\d+)?MB$/m);
    await d('rm', 'writer');
  });

  test('errors read as Docker\'s', async () => {
    const rm = await docker(['rm', 'nosuch']);
    assert.equal(rm.code, 1);
    assert.equal(rm.stderr.trim(), client.major >= 25 ? 'Error response from daemon: No such container: nosuch' : 'Error: No such container: nosuch');
    await d('create', '--name', 'taken', IMG);
    const dup = await docker(['create', '--name', 'taken', IMG]);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /Conflict\. The container name "\/taken" is already in use/);
    const img = await docker(['image', 'inspect', 'nosuch-image:v9']);
    assert.notEqual(img.code, 0);
    assert.match(img.stderr, /No such image: nosuch-image:v9/);
    await d('rm', 'taken');
  });
}

for (const client of CLIENTS) describe(client.label, { skip: client.skip }, () => suite(client));
