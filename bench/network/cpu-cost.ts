// CPU seconds spent on a transfer by each party: the client (busybox wget, timed by bash's `times`),
// the server (the container's cgroup) and, for Docker's 127.0.0.1 path, its docker-proxy process.
// Under CPU contention wall-clock throughput depends on how many runnable tasks share the work (a
// proxy is one more task getting a share), so CPU per GiB is the load-independent figure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BUSYBOX } from '../../test/helpers/busybox.js';

/** A reader of the CPU seconds used so far by the cgroup holding `pid` (cgroup v1 cpuacct or v2). */
export function cgroupCpu(pid: number): () => number {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => /:(?:[^:]*,)?cpuacct(?:,[^:]*)?:/.test(l))?.split(':')[2];
  if (v1 !== undefined) {
    const file = ['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu'].map((d) => `/sys/fs/cgroup/${d}${v1}/cpuacct.usage`).find(existsSync);
    if (file) return () => Number(readFileSync(file, 'utf8')) / 1e9;
  }
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3) ?? '/';
  const stat = `/sys/fs/cgroup${v2}/cpu.stat`;
  return () => Number(/usage_usec (\d+)/.exec(readFileSync(stat, 'utf8'))?.[1] ?? 0) / 1e6;
}

/** A reader of the CPU seconds (user + system) used so far by process `pid`; 0 once it is gone. */
export function processCpu(pid: number): () => number {
  const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return () => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / tick;
    } catch { return 0; }
  };
}

/** The pid of Docker's userland proxy for a host port, if one runs. */
export function dockerProxyPid(hostPort: number): number | undefined {
  const r = spawnSync('pgrep', ['-f', `docker-proxy .*-host-port ${hostPort} `], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  return pid > 0 ? pid : undefined;
}

export interface Download { seconds: number; clientCpu: number }

/** busybox wget of url into /dev/null: wall seconds and the client's own CPU seconds. */
export function download(url: string): Download {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', `"$1" wget -q -O /dev/null "$2" || exit; times`, 'bash', BUSYBOX, url], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`wget ${url}: ${r.stderr.trim()}`);
  // `times`: the shell's user/system times, then its children's: "0m0.370s 0m0.512s".
  const children = r.stdout.trim().split('\n').pop() ?? '';
  const clientCpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
  return { seconds, clientCpu };
}
