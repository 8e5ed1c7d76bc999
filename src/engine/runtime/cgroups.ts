// cgroup facts: which version the host runs, where a container's cgroup lives (a parent per
// daemon, so several daemons never share one), and reading usage for `stats`.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

/** '2' when /sys/fs/cgroup is the unified hierarchy itself; '1' for legacy and hybrid hosts. */
export function cgroupVersion(): '1' | '2' {
  return existsSync(join(ROOT, 'cgroup.controllers')) ? '2' : '1';
}

/** The daemon's cgroup parent, e.g. /berth-1a2b3c4d5e6f, derived from its data root. */
export function cgroupParent(dataRoot: string): string {
  return `/berth-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 12)}`;
}

/** Directories holding a cgroup path, per controller (v1) or the one unified dir (v2). */
function dirsFor(path: string): Record<string, string> {
  if (cgroupVersion() === '2') return { unified: join(ROOT, path) };
  const out: Record<string, string> = {};
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids', 'blkio', 'freezer', 'cpuset', 'devices', 'systemd', 'unified']) {
    out[c] = join(ROOT, c, path);
  }
  return out;
}

/** Removes the daemon's (empty) cgroup parents: used when a test daemon's data root goes away. */
export function removeCgroupParent(dataRoot: string): void {
  for (const dir of Object.values(dirsFor(cgroupParent(dataRoot)))) {
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) { try { rmdirSync(join(dir, child.name)); } catch { /* busy */ } }
    try { rmdirSync(dir); } catch { /* busy or gone */ }
  }
}

async function readNum(file: string): Promise<number | undefined> {
  try {
    const t = (await readFile(file, 'utf8')).trim();
    if (t === 'max') return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  } catch { return undefined; }
}

async function readKv(file: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const [k, v] = line.split(' ');
      if (k && v !== undefined) out[k] = Number(v);
    }
  } catch { /* absent */ }
  return out;
}

export interface CgroupUsage {
  cpuTotal: number; perCpu: number[]; userNs: number; systemNs: number;
  memUsage: number; memLimit?: number; memStats: Record<string, number>; memCache: number;
  pids: number; pidsLimit?: number;
  blkio: { op: string; major: number; minor: number; value: number }[];
}

/** "8:0 Read 4096" lines (v1 blkio) or "8:0 rbytes=4096 wbytes=0 ..." (v2 io.stat) as Docker's entries. */
async function readBlkio(file: string, v2: boolean): Promise<CgroupUsage['blkio']> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const out: CgroupUsage['blkio'] = [];
  for (const line of text.split('\n')) {
    const [dev, ...rest] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (v2) {
      const kv = Object.fromEntries(rest.map((x) => x.split('=')));
      out.push({ major, minor, op: 'read', value: Number(kv.rbytes ?? 0) }, { major, minor, op: 'write', value: Number(kv.wbytes ?? 0) });
    } else if (rest.length === 2) {
      out.push({ major, minor, op: rest[0].toLowerCase(), value: Number(rest[1]) });
    }
  }
  return out;
}

const TICK_NS = 1e9 / 100; // USER_HZ

export async function readUsage(path: string): Promise<CgroupUsage> {
  const d = dirsFor(path);
  if (cgroupVersion() === '2') {
    const dir = d.unified;
    const cpu = await readKv(join(dir, 'cpu.stat'));
    const mem = await readKv(join(dir, 'memory.stat'));
    return {
      cpuTotal: (cpu.usage_usec ?? 0) * 1000, perCpu: [], userNs: (cpu.user_usec ?? 0) * 1000, systemNs: (cpu.system_usec ?? 0) * 1000,
      memUsage: (await readNum(join(dir, 'memory.current'))) ?? 0, memLimit: await readNum(join(dir, 'memory.max')),
      memStats: mem, memCache: mem.file ?? 0,
      pids: (await readNum(join(dir, 'pids.current'))) ?? 0, pidsLimit: await readNum(join(dir, 'pids.max')),
      blkio: await readBlkio(join(dir, 'io.stat'), true),
    };
  }
  const perCpuText = await readFile(join(d.cpuacct, 'cpuacct.usage_percpu'), 'utf8').catch(() => '');
  const stat = await readKv(join(d.cpuacct, 'cpuacct.stat'));
  const mem = await readKv(join(d.memory, 'memory.stat'));
  const limit = await readNum(join(d.memory, 'memory.limit_in_bytes'));
  return {
    cpuTotal: (await readNum(join(d.cpuacct, 'cpuacct.usage'))) ?? 0,
    perCpu: perCpuText.trim().split(/\s+/).filter(Boolean).map(Number),
    userNs: (stat.user ?? 0) * TICK_NS, systemNs: (stat.system ?? 0) * TICK_NS,
    memUsage: (await readNum(join(d.memory, 'memory.usage_in_bytes'))) ?? 0,
    memLimit: limit !== undefined && limit < 2 ** 62 ? limit : undefined,
    memStats: mem, memCache: mem.cache ?? 0,
    pids: (await readNum(join(d.pids, 'pids.current'))) ?? 0, pidsLimit: await readNum(join(d.pids, 'pids.max')),
    blkio: await readBlkio(join(d.blkio, 'blkio.throttle.io_service_bytes'), false),
  };
}

/** Pids of every process in the container's cgroup. */
export async function cgroupPids(path: string): Promise<number[]> {
  const d = dirsFor(path);
  const file = cgroupVersion() === '2' ? join(d.unified, 'cgroup.procs') : join(d.pids, 'cgroup.procs');
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** Host CPU time in ns from /proc/stat (Docker's system_cpu_usage). */
export async function systemCpuNs(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.split(/\s+/).slice(1, 8).map(Number).reduce((a, b) => a + (b || 0), 0);
  return ticks * TICK_NS;
}
