import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCgroupProcs, readUsageSync } from './cgroups.js';

const fixture = (v: string) => fileURLToPath(new URL(`./fixtures/cgroup-${v}`, import.meta.url));

test('cgroup v2: cpu.stat, memory.current/max, pids and io.stat as stats reads them', () => {
  const u = readUsageSync('/berth-test/c1', { root: fixture('v2'), version: '2' });
  assert.equal(u.cpuTotal, 1_234_567_000);
  assert.equal(u.userNs, 1_000_000_000);
  assert.equal(u.systemNs, 234_567_000);
  assert.deepEqual(u.perCpu, []);
  assert.equal(u.memUsage, 8388608);
  assert.equal(u.memLimit, 67108864);
  assert.equal(u.memCache, 2097152);
  assert.equal(u.memStats.anon, 4194304);
  assert.equal(u.pids, 5);
  assert.equal(u.pidsLimit, undefined, '"max" is no limit');
  assert.deepEqual(u.blkio, [
    { major: 8, minor: 0, op: 'read', value: 1048576 }, { major: 8, minor: 0, op: 'write', value: 4096 },
    { major: 253, minor: 1, op: 'read', value: 512 }, { major: 253, minor: 1, op: 'write', value: 0 },
  ]);
});

test('cgroup v1: cpuacct, memory, pids and blkio controllers; the no-limit sentinel is no limit', () => {
  const u = readUsageSync('/berth-test/c1', { root: fixture('v1'), version: '1' });
  assert.equal(u.cpuTotal, 2_500_000_000);
  assert.deepEqual(u.perCpu, [1_500_000_000, 1_000_000_000]);
  assert.equal(u.userNs, 1_500_000_000);
  assert.equal(u.systemNs, 1_000_000_000);
  assert.equal(u.memUsage, 9437184);
  assert.equal(u.memLimit, undefined);
  assert.equal(u.memCache, 1048576);
  assert.equal(u.pids, 2);
  assert.equal(u.pidsLimit, 64);
  assert.deepEqual(u.blkio.filter((b) => b.op === 'read' || b.op === 'write'), [
    { major: 8, minor: 0, op: 'read', value: 8192 }, { major: 8, minor: 0, op: 'write', value: 4096 },
  ]);
});

test('a cgroup that is gone reads as zeros, not an error (the container just exited)', () => {
  const u = readUsageSync('/berth-test/nope', { root: fixture('v2'), version: '2' });
  assert.equal(u.cpuTotal, 0);
  assert.equal(u.memUsage, 0);
  assert.deepEqual(u.blkio, []);
});

test('detail: false skips the per-CPU split and memory.stat, and reads the same totals', () => {
  for (const version of ['1', '2'] as const) {
    const h = { root: fixture(`v${version}`), version };
    const full = readUsageSync('/berth-test/c1', h);
    const lean = readUsageSync('/berth-test/c1', h, { detail: false });
    assert.deepEqual(lean.perCpu, []);
    assert.deepEqual(lean.memStats, {});
    assert.deepEqual([lean.cpuTotal, lean.userNs, lean.memUsage, lean.memLimit, lean.pids, lean.blkio], [full.cpuTotal, full.userNs, full.memUsage, full.memLimit, full.pids, full.blkio]);
  }
});

test('ownCgroupProcs: the process\'s own cgroup.procs, pids first on v1, the unified one on v2, none when absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-owncg-'));
  try {
    const self = join(dir, 'self-cgroup');
    const make = (p: string) => { mkdirSync(join(dir, p), { recursive: true }); writeFileSync(join(dir, p, 'cgroup.procs'), ''); };
    // hybrid: v1 controllers and a cgroup2 line; pids is preferred, wherever it sits in the list
    writeFileSync(self, '9:name=systemd:/svc\n8:pids:/svc/a\n2:cpu,cpuacct:/svc\n0::/svc\n');
    make('cpu/svc'); make('pids/svc/a'); make('unified/svc');
    assert.equal(ownCgroupProcs(self, dir), join(dir, 'pids/svc/a/cgroup.procs'));
    rmSync(join(dir, 'pids'), { recursive: true });
    assert.equal(ownCgroupProcs(self, dir), join(dir, 'cpu/svc/cgroup.procs'), 'a comounted controller by its first name');
    rmSync(join(dir, 'cpu'), { recursive: true });
    assert.equal(ownCgroupProcs(self, dir), join(dir, 'unified/svc/cgroup.procs'));
    rmSync(join(dir, 'unified'), { recursive: true });
    assert.equal(ownCgroupProcs(self, dir), '');
    // pure v2: the hierarchy is the root itself
    writeFileSync(join(dir, 'cgroup.controllers'), 'cpu memory pids\n');
    writeFileSync(self, '0::/user.slice/x\n');
    make('user.slice/x');
    assert.equal(ownCgroupProcs(self, dir), join(dir, 'user.slice/x/cgroup.procs'));
    assert.equal(ownCgroupProcs(join(dir, 'missing'), dir), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
