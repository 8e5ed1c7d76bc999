// `top` and `stats`: processes and resource usage of a running container, read from its cgroup
// (v1 or v2), the host's `ps`, and /proc/<pid>/net/dev for its network namespace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { ContainerStatsSample } from '../types.js';
import { type CgroupHierarchy, cgroupPids, readUsageSync, systemCpuNs } from '../runtime/cgroups.js';
import { invalidArgument } from '../../common/errors.js';

const execFileP = promisify(execFile);

export async function topProcesses(cgroupPath: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }> {
  const pids = new Set(await cgroupPids(cgroupPath));
  const args = (psArgs ?? '-ef').split(/\s+/).filter(Boolean);
  let stdout: string;
  try {
    ({ stdout } = await execFileP('ps', args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (e) {
    throw invalidArgument(`ps: ${(e as { stderr?: string }).stderr?.trim() ?? String(e)}`);
  }
  const lines = stdout.split('\n').filter(Boolean);
  const titles = (lines.shift() ?? '').trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw invalidArgument(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
    if (pids.has(Number(row[pidCol]))) processes.push(row);
  }
  return { titles, processes };
}

function netStats(pid: number): ContainerStatsSample['networks'] {
  const out: ContainerStatsSample['networks'] = {};
  if (!pid) return out;
  let text = '';
  try { text = readFileSync(`/proc/${pid}/net/dev`, 'utf8'); } catch { /* exited */ }
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rxBytes: f[0], rxPackets: f[1], rxErrors: f[2], rxDropped: f[3], txBytes: f[8], txPackets: f[9], txErrors: f[10], txDropped: f[11] };
  }
  return out;
}

let hostMemoryBytes: number | undefined;
/** The limit `stats` shows for a container without one, as Docker does: the host's memory. */
function hostMemory(): number {
  if (hostMemoryBytes !== undefined) return hostMemoryBytes;
  const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return (hostMemoryBytes = m ? Number(m[1]) * 1024 : 0);
}

/**
 * One sample of a container's usage: cgroup counters plus its netns's interfaces. `stats` and the
 * metrics scrape both read through here, so they show the same numbers. `systemCpu` lets a scrape
 * of many containers read /proc/stat once (and skip what only `stats` shows with `detail: false`).
 */
export function sampleStats(cgroupPath: string, pid: number, opts: { systemCpu?: number; hierarchy?: CgroupHierarchy; detail?: boolean } = {}): ContainerStatsSample {
  const u = readUsageSync(cgroupPath, opts.hierarchy, { detail: opts.detail });
  return {
    read: new Date().toISOString(),
    cpu: { totalUsage: u.cpuTotal, perCpu: u.perCpu, system: opts.systemCpu ?? systemCpuNs(), onlineCpus: onlineCpus(), userMode: u.userNs, kernelMode: u.systemNs },
    memory: { usage: u.memUsage, limit: u.memLimit ?? hostMemory(), cache: u.memCache, stats: u.memStats },
    pids: { current: u.pids, limit: u.pidsLimit },
    networks: netStats(pid),
    blkio: u.blkio,
  };
}

let cpuCount: number | undefined;
const onlineCpus = () => (cpuCount ??= cpus().length);

export async function statsSample(cgroupPath: string, pid: number): Promise<ContainerStatsSample> {
  return sampleStats(cgroupPath, pid);
}
