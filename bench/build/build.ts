// A 10-step Dockerfile built cold (--no-cache) and fully cached, berthd vs a private dockerd
// (Debian's docker.io) in the same run, both driven by the docker CLI's classic builder
// (DOCKER_BUILDKIT=0); berthd also through `berth build`. Medians of N runs; it reports, never fails.
//   npx tsx bench/build/build.ts [runs=7]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { startTestDaemon } from '../../test/helpers/daemon.js';
import { dockerdAvailable, startDockerd } from '../../test/integration/images/dockerd.js';

const RUNS = Number(process.argv[2] ?? 7);
const BERTH = resolve(import.meta.dirname, '../../bin/berth');
const DOCKERFILE = `FROM busybox
ENV APP=/app MODE=bench
WORKDIR /app
COPY app.txt ./
COPY lib/ ./lib/
RUN echo built > /app/built && ls -l /app/lib > /app/listing
RUN mkdir -p /data && cp /app/app.txt /data/
LABEL org.example.bench=build
EXPOSE 8080
CMD ["cat", "/app/built"]
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(cmd: string, args: string[], env: Record<string, string>): number {
  const t = process.hrtime.bigint();
  execFileSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-build-'));
  const ctx = join(work, 'ctx');
  mkdirSync(join(ctx, 'lib'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(ctx, 'app.txt'), 'app\n');
  for (let i = 0; i < 20; i++) writeFileSync(join(ctx, 'lib', `m${i}.txt`), `module ${i}\n`.repeat(50));
  const tar = makeBusyboxTar(join(work, 'busybox.tar'));
  const importArgs = ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, 'busybox:latest'];
  const berthd = await startTestDaemon({ logLevel: 'info' });
  const skipDocker = dockerdAvailable();
  const dockerd = skipDocker ? undefined : await startDockerd();
  try {
    execFileSync(BERTH, importArgs, { env: { ...process.env, DOCKER_HOST: berthd.dockerHost } });
    dockerd?.docker(importArgs);
    const legacy = { DOCKER_BUILDKIT: '0' };
    const engines: [string, (extra: string[]) => number][] = [
      ['berthd (docker CLI)', (extra) => timed('docker', ['-H', berthd.dockerHost, 'build', '-q', '--network', 'none', '-t', 'bench', ...extra, ctx], legacy)],
      ['berthd (berth build)', (extra) => timed(process.execPath, [BERTH, 'build', '-q', '--network', 'none', '-t', 'bench', ...extra, ctx], { DOCKER_HOST: berthd.dockerHost })],
      ...(dockerd ? [['dockerd 20.10 (docker CLI)', (extra: string[]) => timed('docker', ['-H', dockerd.host, 'build', '-q', '--network', 'none', '-t', 'bench', ...extra, ctx], legacy)] as [string, (extra: string[]) => number]] : []),
    ];
    const rows: { name: string; cold: number; cached: number }[] = [];
    for (const [name, build] of engines) {
      const cold: number[] = [];
      const cached: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        cold.push(build(['--no-cache']));
        cached.push(build([]));
      }
      rows.push({ name, cold: median(cold), cached: median(cached) });
    }
    console.log(`10-step build, ${RUNS} runs each, medians (ms); load: ${execFileSync('cat', ['/proc/loadavg']).toString().trim()}`);
    console.log('engine'.padEnd(28), 'cold'.padStart(8), 'cached'.padStart(8));
    for (const r of rows) console.log(r.name.padEnd(28), r.cold.toFixed(0).padStart(8), r.cached.toFixed(0).padStart(8));
    const docker = rows.find((r) => r.name.startsWith('dockerd'));
    if (docker) {
      for (const r of rows.filter((x) => x !== docker)) {
        console.log(`${r.name}: cached ${(docker.cached / r.cached).toFixed(2)}x faster than docker, cold ${(docker.cold / r.cold).toFixed(2)}x`);
      }
    }
  } finally {
    await dockerd?.stop();
    await berthd.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
