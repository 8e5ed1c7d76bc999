// `top` and `stats`: processes and resource usage of a running container, read from its cgroup
// (v1 or v2), the host's `ps`, and /proc/<pid>/net/dev for its network namespace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { ContainerStatsSample } from '../types.js';
import { cgroupPids, readUsage, systemCpuNs } from '../runtime/cgroups.js';
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

async function netStats(pid: number): Promise<ContainerStatsSample['networks']> {
  const out: ContainerStatsSample['networks'] = {};
  if (!pid) return out;
  const text = await readFile(`/proc/${pid}/net/dev`, 'utf8').catch(() => '');
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rxBytes: f[0], rxPackets: f[1], rxErrors: f[2], rxDropped: f[3], txBytes: f[8], txPackets: f[9], txErrors: f[10], txDropped: f[11] };
  }
  return out;
}

export async function statsSample(cgroupPath: string, pid: number): Promise<ContainerStatsSample> {
  const u = await readUsage(cgroupPath);
  return {
    read: new Date().toISOString(),
    cpu: { totalUsage: u.cpuTotal, perCpu: u.perCpu, system: await systemCpuNs(), onlineCpus: cpus().length, userMode: u.userNs, kernelMode: u.systemNs },
    memory: { usage: u.memUsage, limit: u.memLimit ?? (await hostMemory()), cache: u.memCache, stats: u.memStats },
    pids: { current: u.pids, limit: u.pidsLimit },
    networks: await netStats(pid),
    blkio: u.blkio,
  };
}

async function hostMemory(): Promise<number> {
  const m = /MemTotal:\s+(\d+) kB/.exec(await readFile('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
