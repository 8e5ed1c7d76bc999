// The start path's shortcuts (docs/runtime.md, "Start path"), shown on their observable effects:
// the host helper mounts, unmounts and makes network namespaces; a bridge container joins a
// namespace made before it (its SandboxKey, then a link to its process's, gone with it); a created container's
// rootfs is mounted before start and unmounted by its removal; crun starts through the exec fifo;
// a berthd killed with -9 and restarted keeps a running container's namespace and releases it later.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthCli, startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { hostAgent, MNT_DETACH } from '../../../src/engine/runtime/host-agent.js';
import { findRuntimeBinary, isHybridCgroupHost } from '../../../src/engine/runtime/oci-runtime.js';
import { cgroupParent } from '../../../src/engine/runtime/cgroups.js';

const IMG = 'startbox:latest';
const mounted = (p: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === p);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let daemon: TestDaemon;
let work: string;
const { berth, ok } = berthCli(() => daemon);

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-start-'));
  daemon = await startTestDaemon({ runtime: findRuntimeBinary('crun') ? 'auto' : 'runc' });
  await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, makeBusyboxTar(join(work, 'busybox.tar')), IMG]);
});

after(async () => {
  if (daemon) {
    const ids = (await berth(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await berth(['rm', '-f', ...ids]);
    await daemon.stop();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the host helper mounts, unmounts and makes network namespaces, with errno errors', { skip: !hostAgent().available && 'no perl here' }, async () => {
  const dir = join(work, 'agent');
  mkdirSync(join(dir, 'm'), { recursive: true });
  const target = join(dir, 'm');
  await hostAgent().mount(dir, 'tmpfs', target, 'tmpfs', 0, 'size=1m');
  try {
    assert.ok(mounted(target), 'the tmpfs shows in the mount table');
    writeFileSync(join(target, 'f'), 'x');
  } finally {
    await hostAgent().umount(target, MNT_DETACH);
  }
  assert.ok(!mounted(target) && !existsSync(join(target, 'f')), 'unmounted');
  await assert.rejects(hostAgent().umount(target, MNT_DETACH), /Invalid argument/);
  const ns = join(dir, 'ns');
  await hostAgent().newNetns(ns);
  try {
    const links = execFileSync('nsenter', [`--net=${ns}`, 'ip', '-o', 'link'], { encoding: 'utf8' });
    assert.match(links, /: lo:/);
    assert.doesNotMatch(links, /eth0|veth/, 'a new, empty namespace');
    assert.notEqual(execFileSync('nsenter', [`--net=${ns}`, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }), execFileSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }));
  } finally {
    await hostAgent().umount(ns, MNT_DETACH);
  }
  assert.ok(!mounted(ns));
});

test('the host helper runs one warmer while launches are under way: it rewrites its own pid into the file given until the last has answered', { skip: !hostAgent().available && 'no perl here' }, async () => {
  const dir = join(work, 'warm');
  mkdirSync(dir, { recursive: true });
  const procs = join(dir, 'procs'); // a plain file stands in for a cgroup.procs here
  const program = (ms: number, name: string) => ['/bin/sh', '-c', `echo $$ > ${name}; sleep ${ms / 1000}; echo '{"data": ${ms}}' >&3; sleep 0.3`];
  const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const gone = async (pid: number) => { for (let i = 0; i < 100 && alive(pid); i++) await sleep(10); return !alive(pid); };
  const slow = hostAgent().launch(dir, join(dir, 'err-slow'), program(400, 'slow'), procs);
  assert.equal(await hostAgent().launch(dir, join(dir, 'err-fast'), program(100, 'fast'), procs), '{"data": 100}');
  const warmer = Number(readFileSync(procs, 'utf8'));
  assert.ok(warmer > 0 && ![readFileSync(join(dir, 'slow'), 'utf8'), readFileSync(join(dir, 'fast'), 'utf8')].map(Number).includes(warmer), `the warmer (${warmer}) is a process of its own`);
  assert.ok(alive(warmer), 'it keeps going while the slow launch is under way');
  await sleep(30);
  assert.equal(Number(readFileSync(procs, 'utf8')), warmer, 'one warmer for both');
  assert.equal(await slow, '{"data": 400}');
  assert.ok(await gone(warmer), 'the warmer is gone once the last launch has answered');
  // Without a file, no warmer.
  rmSync(procs);
  assert.equal(await hostAgent().launch(dir, join(dir, 'err'), program(50, 'plain')), '{"data": 50}');
  assert.ok(!existsSync(procs));
});

test('on a hybrid host, creating through the crun wrapper leaves nothing in the host\'s hidden unified directory', { skip: !isHybridCgroupHost() ? 'not a cgroup v1 hybrid host' : !findRuntimeBinary('crun') && 'crun is not installed' }, async () => {
  // With the cgroup2 mount out of the way, /sys/fs/cgroup/unified is the host tmpfs's own directory:
  // crun used to make each container's "unified" cgroup there, where nothing ever removed it.
  const hidden = () => execFileSync('unshare', ['-m', 'sh', '-c', 'mount --make-rslave / && umount -l /sys/fs/cgroup/unified && ls -A /sys/fs/cgroup/unified'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const parent = cgroupParent(daemon.dataRoot).slice(1);
  const r = await berth(['run', '--rm', IMG, 'true']);
  assert.equal(r.code, 0, r.stderr);
  const id = await ok(['create', IMG, 'true']);
  await ok(['start', '-a', id]);
  await ok(['rm', id]);
  assert.deepEqual(hidden().filter((n) => n === parent), [], `no ${parent} under the hidden unified directory`);
});

test('a bridge container runs in a namespace made before it; it is released with the process', async () => {
  const id = await ok(['run', '-d', IMG, 'sh', '-c', 'ip -4 -o addr show eth0; sleep 30']);
  try {
    const key = await ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', id]);
    if (!hostAgent().available) { assert.match(key, /^\/proc\/\d+\/ns\/net$/); return; } // the runtime made it
    assert.ok(key.startsWith(join(daemon.execRoot, 'netns')), key);
    const pid = await ok(['inspect', '-f', '{{.State.Pid}}', id]);
    assert.equal(readlinkSync(key), `/proc/${pid}/ns/net`, 'once running, the file points at the process: the namespace ends with it');
    assert.ok(!mounted(key));
    const inside = execFileSync('nsenter', [`--net=${key}`, 'ip', '-4', '-o', 'addr', 'show', 'eth0'], { encoding: 'utf8' });
    const ip = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', id]);
    assert.ok(ip && inside.includes(ip), `the container's address ${ip} is in that namespace: ${inside}`);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes(ip); i++) { logs = await ok(['logs', id]); await sleep(100); }
    assert.ok(logs.includes(ip), `the process saw its eth0 with ${ip} at once: ${logs}`);
    // kill -9 of berthd: the running container keeps its namespace; a restart does not release it.
    await daemon.restart('SIGKILL');
    assert.equal(readlinkSync(key), `/proc/${pid}/ns/net`, 'kept across a berthd restart');
    assert.equal(await ok(['inspect', '-f', '{{.State.Running}}', id]), 'true');
    await ok(['stop', '-t', '0', id]);
    assert.ok(!existsSync(key) && readdirNetns().length === 0, 'released at the exit');
  } finally {
    await berth(['rm', '-f', id]);
  }
});

async function unmountedSoon(path: string): Promise<boolean> {
  for (let i = 0; i < 60 && mounted(path); i++) await sleep(50);
  return !mounted(path);
}

test('a created container has its rootfs mounted before start; removal unmounts it', async () => {
  const id = await ok(['create', IMG, 'cat', '/marker']);
  const merged = join(daemon.dataRoot, 'overlay', 'containers', id, 'merged');
  for (let i = 0; i < 50 && !mounted(merged); i++) await sleep(50);
  assert.ok(mounted(merged), 'mounted during create');
  writeFileSync(join(work, 'marker'), 'from cp\n');
  await ok(['cp', join(work, 'marker'), `${id}:/marker`]);
  assert.equal(await ok(['start', '-a', id]), 'from cp');
  await ok(['rm', id]);
  // rm answers once the container is out of the API's view; the unmount is part of the clean-up
  // that follows the answer (docs/runtime.md), so it is awaited here, briefly.
  assert.ok(await unmountedSoon(merged), 'unmounted after rm');
  // Created and removed at once: the mount under way at create does not outlive the removal.
  for (let i = 0; i < 5; i++) {
    const c = await ok(['create', IMG, 'true']);
    await ok(['rm', c]);
    assert.ok(await unmountedSoon(join(daemon.dataRoot, 'overlay', 'containers', c, 'merged')));
  }
});

test('exit codes, output and failed starts are as before the shortcuts', async () => {
  const r = await berth(['run', '--rm', IMG, 'sh', '-c', 'echo out; echo err >&2; exit 7']);
  assert.equal(r.code, 7);
  assert.equal(r.stdout.trim(), 'out');
  assert.match(r.stderr, /err/);
  const missing = await berth(['run', '--rm', IMG, '/nonexistent']);
  assert.equal(missing.code, 127, missing.stderr);
  assert.deepEqual(readdirNetns(), [], 'no namespace file is left by a failed start');
  // The attach fails while the runtime creates the container: the attach's error is the answer.
  const port = 20000 + Math.floor(Math.random() * 20000);
  const first = await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, IMG, 'sleep', '30']);
  try {
    const clash = await berth(['run', '--rm', '-p', `127.0.0.1:${port}:80`, IMG, 'true']);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*already allocated`));
    assert.equal(await ok(['inspect', '-f', '{{.State.Running}}', first]), 'true');
  } finally {
    await berth(['rm', '-f', first]);
  }
  assert.deepEqual(readdirNetns(), [], 'nor by one whose attach failed');
  // A restart reuses nothing stale: a second start gets a new namespace and works.
  const id = await ok(['run', '-d', IMG, 'sleep', '30']);
  try {
    await ok(['restart', '-t', '0', id]);
    assert.equal(await ok(['inspect', '-f', '{{.State.Running}}', id]), 'true');
    assert.equal((await ok(['exec', id, 'sh', '-c', 'ip -o link show eth0 | grep -c UP'])).trim(), '1');
  } finally {
    await berth(['rm', '-f', id]);
  }
  assert.deepEqual(readdirNetns(), []);
});

test('an image whose only container just ended with --rm can be removed at once, layers and all', async () => {
  // --rm answers before the runtime's delete and the unmount (they follow the answer): the image's
  // removal right after must neither be refused nor leave a layer or a mount behind.
  const overlay = join(daemon.dataRoot, 'overlay');
  const layers = () => execFileSync('ls', [overlay], { encoding: 'utf8' }).split('\n').filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
  const before = layers();
  const dir = join(work, 'unique');
  for (let i = 0; i < 3; i++) {
    mkdirSync(join(dir, 'root', 'bin'), { recursive: true });
    execFileSync('cp', ['-f', BUSYBOX, join(dir, 'root', 'bin', 'busybox')]);
    writeFileSync(join(dir, 'root', 'unique'), `${i} ${Date.now()} ${Math.random()}`); // a layer of its own
    execFileSync('tar', ['-C', join(dir, 'root'), '-cf', join(dir, 'u.tar'), '.']);
    const tag = `unique-${i}:latest`;
    await ok(['import', '--change', 'ENV PATH=/bin', join(dir, 'u.tar'), tag]);
    assert.equal(layers().length, before.length + 1);
    const r = await berth(['run', '--rm', tag, '/bin/busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    const rmi = await berth(['rmi', tag]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /Deleted: sha256:/);
    assert.deepEqual(layers(), before, 'the layer is gone with the image');
  }
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(join(daemon.dataRoot, 'overlay', 'containers')), 'no container mount is left');
});

function readdirNetns(): string[] {
  const dir = join(daemon.execRoot, 'netns');
  return existsSync(dir) ? execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];
}
