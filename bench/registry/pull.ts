// Pull of a ~100 MB image (busybox plus 100 MB of incompressible data in a second layer) from a
// local docker-registry, berthd vs a private dockerd side by side, N rounds each (the image is
// removed between rounds). Prints medians of wall time and of the daemon's CPU time (user+system
// of berthd / of dockerd+containerd: on a loaded machine the CPU a pull needs decides how it
// competes), and the ratios. Run as root:
//   npx tsx bench/registry/pull.ts [rounds=5]
// dockerd treats 127.0.0.0/8 as insecure (plain http) by default, as berthd does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../test/helpers/busybox.js';
import { startTestDaemon } from '../../test/helpers/daemon.js';
import { startRegistry } from '../../test/helpers/registry.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { summarise } from '../engine/stats.js';

const rounds = Number(process.argv[2] ?? 5);

/** User + system CPU time of processes, in ms (from /proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited */ }
  }
  return ticks * 10;
}
const dir = mkdtempSync(join(tmpdir(), 'bench-pull-'));
const reg = await startRegistry();
const berthd = await startTestDaemon({ logLevel: 'info' });
const docker = dockerInstalled() ? await startDockerEngine() : undefined;
const cli = (host: string, args: string[]) => execFileSync('docker', ['-H', host, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
try {
  // Build the image with berthd: a busybox base, then a 100 MB layer (docker build's classic builder through berthd).
  const rootfs = makeBusyboxRootfs(join(dir, 'rootfs'));
  execFileSync('tar', ['-C', rootfs, '-cf', join(dir, 'base.tar'), '.']);
  cli(berthd.dockerHost, ['import', join(dir, 'base.tar'), 'bench-base:1']);
  const ctx = join(dir, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'blob.bin'), randomBytes(100 << 20));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM bench-base:1\nCOPY blob.bin /blob.bin\n');
  const image = `${reg.host}/bench/big:1`;
  execFileSync('docker', ['-H', berthd.dockerHost, 'build', '-q', '-t', image, ctx], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: 'ignore' });
  cli(berthd.dockerHost, ['push', image]);
  const time = (host: string, pids: () => number[], cpu: number[]) => {
    const c0 = cpuMs(pids());
    const t = process.hrtime.bigint();
    cli(host, ['pull', '-q', image]);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    cpu.push(cpuMs(pids()) - c0);
    cli(host, ['rmi', image]);
    return ms;
  };
  cli(berthd.dockerHost, ['rmi', image, 'bench-base:1']);
  const b: number[] = [];
  const d: number[] = [];
  const bc: number[] = [];
  const dc: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(time(berthd.dockerHost, () => [berthd.pid], bc));
    if (docker) d.push(time(docker.host, () => docker.pids(), dc));
  }
  console.log(`rounds (ms, in order): berthd ${b.map((x) => x.toFixed(0)).join(' ')}${docker ? `; dockerd ${d.map((x) => x.toFixed(0)).join(' ')}` : ''}`);
  const sb = summarise(b);
  const sbc = summarise(bc);
  console.log(`berthd  pull 100 MB: median ${sb.median.toFixed(0)} ms (min ${sb.min.toFixed(0)}, max ${sb.max.toFixed(0)}, n=${sb.n}); CPU median ${sbc.median.toFixed(0)} ms`);
  if (docker) {
    const sd = summarise(d);
    const sdc = summarise(dc);
    console.log(`dockerd pull 100 MB: median ${sd.median.toFixed(0)} ms (min ${sd.min.toFixed(0)}, max ${sd.max.toFixed(0)}, n=${sd.n}); CPU median ${sdc.median.toFixed(0)} ms`);
    console.log(`ratio berthd/dockerd: wall ${(sb.median / sd.median).toFixed(2)}, CPU ${(sbc.median / sdc.median).toFixed(2)}`);
  } else console.log('dockerd not installed: berthd only');
} finally {
  await docker?.stop();
  await berthd.stop();
  await reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
