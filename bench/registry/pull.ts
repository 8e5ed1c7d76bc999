// Pull of a ~100 MB image (busybox plus 100 MB of incompressible data in a second layer) from a
// local docker-registry, berthd vs a private dockerd side by side, N rounds each (the image is
// removed between rounds). Prints medians and the ratio. Run as root:
//   npx tsx bench/registry/pull.ts [rounds=5]
// dockerd treats 127.0.0.0/8 as insecure (plain http) by default, as berthd does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../test/helpers/busybox.js';
import { startTestDaemon } from '../../test/helpers/daemon.js';
import { startRegistry } from '../../test/helpers/registry.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { summarise } from '../engine/stats.js';

const rounds = Number(process.argv[2] ?? 5);
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
  const time = (host: string) => {
    const t = process.hrtime.bigint();
    cli(host, ['pull', '-q', image]);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    cli(host, ['rmi', image]);
    return ms;
  };
  cli(berthd.dockerHost, ['rmi', image, 'bench-base:1']);
  const b: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(time(berthd.dockerHost));
    if (docker) d.push(time(docker.host));
  }
  const sb = summarise(b);
  console.log(`berthd  pull 100 MB: median ${sb.median.toFixed(0)} ms (min ${sb.min.toFixed(0)}, max ${sb.max.toFixed(0)}, n=${sb.n})`);
  if (docker) {
    const sd = summarise(d);
    console.log(`dockerd pull 100 MB: median ${sd.median.toFixed(0)} ms (min ${sd.min.toFixed(0)}, max ${sd.max.toFixed(0)}, n=${sd.n})`);
    console.log(`ratio berthd/dockerd: ${(sb.median / sd.median).toFixed(2)}`);
  } else console.log('dockerd not installed: berthd only');
} finally {
  await docker?.stop();
  await berthd.stop();
  await reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
