// What a container sees: the user, env, working dir, hostname, capabilities, masked /proc, the
// default bridge (or loopback only with network none), a read-only root, limits, and how --privileged lifts the defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestEngine, cleanupEngine, spec, collectLogs, text, type TestEngine } from './harness.js';
import type { ContainerSpec } from '../../../src/engine/types.js';

let t: TestEngine;
before(async () => { t = await openTestEngine(); });
after(async () => { await t?.engine.shutdown(); if (t) await cleanupEngine(t.root); });

async function run(script: string, over: Partial<ContainerSpec> = {}, host: Partial<ContainerSpec['host']> = {}): Promise<{ out: string; err: string; code: number }> {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', script], over, host));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  const { exitCode } = await result;
  const logs = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  await c.remove(id, { force: true, volumes: false });
  return { out: text(logs, 'stdout'), err: text(logs, 'stderr'), code: exitCode };
}

const capEff = (out: string) => BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(out)?.[1] ?? '0'}`);

test('user, group, env, working dir and hostname', async () => {
  const r = await run('id -u; id -g; pwd; echo $FOO; hostname; echo $HOME', { user: 'nobody', env: ['FOO=bar'], workingDir: '/tmp', hostname: 'box1' });
  assert.equal(r.out, '65534\n65534\n/tmp\nbar\nbox1\n/nonexistent\n');
  assert.equal((await run('id -u; id -g', { user: '1000:27' })).out, '1000\n27\n');
  const bad = t.engine.containers.create(spec(['true'], { user: 'nosuchuser' }));
  const { id } = await bad;
  await assert.rejects(t.engine.containers.start(id), (e: Error & { kind?: string }) => e.kind === 'invalid_argument' && /unable to find user nosuchuser/.test(e.message));
});

test("Docker's default capabilities, cap-drop, cap-add and privileged", async () => {
  const dflt = capEff((await run('grep CapEff /proc/self/status')).out);
  assert.equal(dflt, 0xa80425fbn); // Docker's default set
  const dropped = capEff((await run('grep CapEff /proc/self/status', {}, { capDrop: ['CHOWN'] })).out);
  assert.equal(dropped, 0xa80425fbn & ~1n);
  const added = capEff((await run('grep CapEff /proc/self/status', {}, { capAdd: ['NET_ADMIN'] })).out);
  assert.equal(added, 0xa80425fbn | (1n << 12n));
  const priv = await run('grep CapEff /proc/self/status; ls /dev | wc -l', {}, { privileged: true });
  assert.ok(capEff(priv.out) > added);
  assert.equal((await run('chown nobody /tmp', { user: '' }, { capDrop: ['ALL'] })).code, 1);
});

test('masked /proc paths, read-only rootfs, the default bridge or loopback only', async () => {
  const r = await run(`cat /proc/kcore | wc -c; grep " /proc/sys " /proc/mounts | grep -q " ro," && echo ro-proc; ls /sys/class/net; cat /etc/hosts | grep -c localhost`);
  assert.equal(r.out, '0\nro-proc\neth0\nlo\n2\n');
  const none = await run('ls /sys/class/net', {}, { networkMode: 'none' });
  assert.equal(none.out, 'lo\n');
  const ro = await run('touch /newfile || echo readonly; touch /tmp/ok || echo tmp-ro', {}, { readonlyRootfs: true });
  assert.match(ro.out, /^readonly\ntmp-ro\n$/);
  const nnp = await run('grep NoNewPrivs /proc/self/status', {}, { securityOpt: ['no-new-privileges'] });
  assert.match(nnp.out, /NoNewPrivs:\s+1/);
});

test('memory and pids limits reach the cgroup', async () => {
  const r = await run('cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max', {}, { resources: { memory: 32 * 1024 * 1024, pidsLimit: 20 } });
  assert.equal(r.out, `${32 * 1024 * 1024}\n20\n`);
});

test('update changes resources of a running container and the restart policy', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sleep', '100'], {}, { init: true }));
  await c.start(id);
  await c.update(id, { restartPolicy: { name: 'always', maximumRetryCount: 0 }, resources: { pidsLimit: 33 } });
  assert.equal((await c.stats(id)).pids.limit, 33);
  assert.equal((await c.get(id)).spec.host.restartPolicy.name, 'always');
  await c.remove(id, { force: true, volumes: false });
});

test('wait not-running on a created container answers at once; prune removes stopped ones', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['true'], { labels: { keep: 'no' } }));
  assert.equal((await (await c.wait(id, 'not-running')).result).exitCode, 0);
  const { id: running } = await c.create(spec(['sleep', '100'], {}, { init: true }));
  await c.start(running);
  const pruned = await c.prune({ labels: ['keep=no'] });
  assert.deepEqual(pruned.deleted, [id]);
  assert.equal((await c.get(running)).state.status, 'running');
  await c.remove(running, { force: true, volumes: false });
});

test("Docker's default seccomp profile filters syscalls unless privileged or unconfined", async () => {
  assert.match((await run('grep Seccomp: /proc/self/status')).out, /Seccomp:\s+2/);
  // The second container gets the first one's compiled program in place of the profile: same filter.
  assert.match((await run('grep Seccomp: /proc/self/status')).out, /Seccomp:\s+2/);
  // swapoff is refused by the profile (EPERM) before the kernel even looks at the path.
  assert.match((await run('swapoff /nonexistent 2>&1; true')).out, /Operation not permitted/);
  assert.match((await run('grep Seccomp: /proc/self/status', {}, { privileged: true })).out, /Seccomp:\s+0/);
  assert.match((await run('grep Seccomp: /proc/self/status', {}, { securityOpt: ['seccomp=unconfined'] })).out, /Seccomp:\s+0/);
});

test('a missing command fails start with the runtime\'s words and exit code 127', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['nonexistent']));
  await assert.rejects(c.start(id), (e: Error & { kind?: string }) => e.kind === 'invalid_argument' && /exec: "nonexistent": executable file not found in \$PATH/.test(e.message));
  const rec = await c.get(id);
  assert.equal(rec.state.status, 'created');
  assert.equal(rec.state.exitCode, 127);
  await c.remove(id, { force: false, volumes: false });
});

test('a container over its memory limit is OOM-killed and says so', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'x=a; while true; do x="$x$x"; done'], {}, { resources: { memory: 16 * 1024 * 1024, memorySwap: 16 * 1024 * 1024 } }));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  assert.equal((await result).exitCode, 137);
  assert.equal((await c.get(id)).state.oomKilled, true);
  await c.remove(id, { force: false, volumes: false });
});

test('namespace modes: pid host, and network/ipc of another container', async () => {
  const c = t.engine.containers;
  const hostPid = await run('ls /proc | grep -c "^[0-9]"', {}, { pidMode: 'host' });
  assert.ok(Number(hostPid.out) > 10, hostPid.out);
  const { id: peer } = await c.create(spec(['sh', '-c', 'readlink /proc/self/ns/net; sleep 100'], {}, { init: true }));
  await c.start(peer);
  await new Promise((r) => setTimeout(r, 300));
  const peerNs = text(await collectLogs(c.logs(peer, { follow: false, stdout: true, stderr: true, timestamps: false })));
  const joined = await run('readlink /proc/self/ns/net', {}, { networkMode: `container:${peer}` });
  assert.match(peerNs, /^net:\[\d+\]\n$/);
  assert.equal(joined.out, peerNs);
  const own = await run('readlink /proc/self/ns/net');
  assert.notEqual(own.out, peerNs);
  await c.remove(peer, { force: true, volumes: false });
});

test('bind mounts (rw and ro), tmpfs mounts and a named volume', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(t.root, 'bind-'));
  try {
    writeFileSync(join(dir, 'in.txt'), 'from host\n');
    const r = await run('cat /data/in.txt; echo out > /data/out.txt; touch /ro/x 2>/dev/null || echo ro-ok; grep " /scratch " /proc/mounts | cut -d" " -f3', {}, {
      binds: [`${dir}:/data`, `${dir}:/ro:ro`],
      mounts: [{ type: 'tmpfs', source: '', target: '/scratch', readOnly: false, options: { tmpfsSize: 1024 * 1024 } }],
    });
    assert.equal(r.out, 'from host\nro-ok\ntmpfs\n');
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'out\n');
    const created = await t.engine.containers.create(spec(['true'], {}, { binds: ['myvol:/v:ro', `${dir}/new:/n`] }));
    assert.deepEqual(created.warnings, []);
    const rec = await t.engine.containers.get(created.id);
    assert.deepEqual(rec.mounts.map((m) => [m.type, m.name ?? '', m.destination, m.rw]), [['bind', '', '/n', true], ['volume', 'myvol', '/v', false]]);
    await t.engine.containers.remove(created.id, { force: true, volumes: true });
    await t.engine.volumes.remove('myvol');
    await assert.rejects(t.engine.containers.create(spec(['true'], {}, { binds: ['/x:relative'] })), (e: Error & { kind?: string }) => e.kind === 'invalid_argument');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
