// What healthchecks cost the daemon: N containers (default 50) each probed every second, and the
// CPU the daemon itself spends over a window (utime+stime from /proc/<pid>/stat), for berthd and,
// when docker.io is installed, a private dockerd + containerd in the same run, one after the other.
//
// Usage: node --import tsx bench/health/probes.ts [--containers 50] [--seconds 30] [--no-docker]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { prepareBuild, startBerthd } from '../engine/berth-engine.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { loadAverage, runAsync } from '../engine/stats.js';
import { pidsOf } from '../engine/memory.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';

const DOCKER = process.env.BERTH_DOCKER_CLI ?? '/usr/local/bin/docker';
const IMAGE = 'bench-busybox:latest';
const arg = (name: string, dflt: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const N = arg('--containers', 50);
const SECONDS = arg('--seconds', 30);
const TICK = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user+system) a process has used so far, and its RSS in MB. */
function cpuOf(pid: number): { cpu: number; rssMB: number } {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / TICK, rssMB: (Number(f[21]) * 4096) / 1048576 };
  } catch { return { cpu: 0, rssMB: 0 }; }
}

interface Row { engine: string; daemonCpuPct: number; perProbeMs: number; probes: number; rssMB: number }

async function measure(engine: string, host: string, daemonPids: () => number[]): Promise<Row> {
  const tar = makeBusyboxTar(join(mkdtempSync(join(tmpdir(), 'bench-health-')), 'bb.tar'));
  await runAsync([DOCKER, 'import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], host);
  rmSync(tar, { force: true });
  for (let i = 0; i < N; i += 5) {
    await Promise.all(Array.from({ length: Math.min(5, N - i) }, () =>
      runAsync([DOCKER, 'run', '-d', '--network', 'none', '--health-cmd', 'true', '--health-interval', '1s', IMAGE, 'sleep', '100000'], host)));
  }
  // Let every container reach healthy (the first probe comes after one interval), then measure.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await runAsync([DOCKER, 'ps', '-q', '--filter', 'health=healthy'], host)).split('\n').filter(Boolean).length < N) await sleep(500);
  const pids = daemonPids();
  const t0 = Date.now();
  const c0 = pids.map((p) => cpuOf(p).cpu);
  await sleep(SECONDS * 1000);
  const c1 = pids.map((p) => cpuOf(p));
  const wall = (Date.now() - t0) / 1000;
  const used = c1.reduce((a, c, i) => a + c.cpu - c0[i], 0);
  // About one probe per container per second (the next is timed from the end of the previous).
  const probes = Math.round(N * wall);
  return { engine, daemonCpuPct: (used / wall) * 100, perProbeMs: (used * 1000) / probes, probes, rssMB: c1.reduce((a, c) => a + c.rssMB, 0) };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const build = prepareBuild(false);
  const berthd = await startBerthd(build, 'info');
  try {
    rows.push(await measure('berthd', berthd.host, () => [berthd.pid]));
  } finally {
    await berthd.stop();
    build.remove();
  }
  if (dockerInstalled() && !process.argv.includes('--no-docker')) {
    const docker = await startDockerEngine();
    try {
      // dockerd and containerd: the daemons (shims are per container, like berth's conmon).
      rows.push(await measure('dockerd+containerd', docker.host, () => [...pidsOf('dockerd', docker.root), ...pidsOf('containerd', docker.root)]));
    } finally {
      await docker.stop();
    }
  }
  console.log(`${N} containers, healthcheck "true" every 1 s, ${SECONDS} s window; ${cpus().length} CPUs; load ${loadAverage()}`);
  console.log('engine                 daemon CPU   per probe   daemon RSS');
  for (const r of rows) console.log(`${r.engine.padEnd(22)} ${r.daemonCpuPct.toFixed(1).padStart(8)} %  ${r.perProbeMs.toFixed(2).padStart(7)} ms  ${r.rssMB.toFixed(0).padStart(7)} MB`);
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
