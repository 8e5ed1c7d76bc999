// A 10-step Dockerfile built cold (--no-cache) and fully cached on berthd and on a private dockerd
// (Debian's docker.io) in the same run. Three clients × engines: the docker CLI's classic builder
// (DOCKER_BUILDKIT=0) against berthd and against dockerd (same client: engine vs engine), and
// `berth build` (bin/berth, as a user runs it) against berthd. Runs are interleaved (each round
// rotates the order) so load changes hit every row alike; medians and ratios. `berth version` is
// timed beside them as the berth CLI's own floor. It reports, never fails.
//   npx tsx bench/build/build.ts [--runs 15] [--cold-runs 3]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { startTestDaemon } from '../../test/helpers/daemon.js';
import { dockerdAvailable, startDockerd } from '../../test/integration/images/dockerd.js';

const { values: argv } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'cold-runs': { type: 'string', default: '3' } } });
const RUNS = Number(argv.runs);
const COLD_RUNS = Number(argv['cold-runs']);
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
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function timed(cmd: string, args: string[], env: Record<string, string>): number {
  const t = process.hrtime.bigint();
  execFileSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

interface Row { name: string; build: (extra: string[]) => number; cold: number[]; cached: number[] }

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-build-'));
  const ctx = join(work, 'ctx');
  mkdirSync(join(ctx, 'lib'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(ctx, 'app.txt'), 'app\n');
  for (let i = 0; i < 20; i++) writeFileSync(join(ctx, 'lib', `m${i}.txt`), `module ${i}\n`.repeat(50));
  const tar = makeBusyboxTar(join(work, 'busybox.tar'));
  const importArgs = ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, 'busybox:latest'];
  const berthd = await startTestDaemon({ logLevel: 'warn' });
  const noDocker = dockerdAvailable();
  const dockerd = noDocker ? undefined : await startDockerd();
  try {
    execFileSync(BERTH, importArgs, { env: { ...process.env, DOCKER_HOST: berthd.dockerHost } });
    dockerd?.docker(importArgs);
    const legacy = { DOCKER_BUILDKIT: '0' };
    const flags = ['build', '-q', '--network', 'none', '-t', 'bench'];
    const rows: Row[] = [
      { name: 'docker CLI → berthd', build: (extra) => timed('docker', ['-H', berthd.dockerHost, ...flags, ...extra, ctx], legacy), cold: [], cached: [] },
      { name: 'berth build → berthd', build: (extra) => timed(BERTH, [...flags, ...extra, ctx], { DOCKER_HOST: berthd.dockerHost }), cold: [], cached: [] },
      ...(dockerd ? [{ name: 'docker CLI → dockerd', build: (extra: string[]) => timed('docker', ['-H', dockerd.host, ...flags, ...extra, ctx], legacy), cold: [], cached: [] }] : []),
    ];
    const loadBefore = load();
    const order = (round: number) => rows.map((_, i) => rows[(i + round) % rows.length]);
    for (let r = 0; r < COLD_RUNS; r++) for (const row of order(r)) row.cold.push(row.build(['--no-cache']));
    for (const row of rows) row.build([]); // warm: the cache holds this context on every engine
    // The floor under `berth build`: the same CLI starting and making one API call.
    const floor: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      for (const row of order(r)) row.cached.push(row.build([]));
      floor.push(timed(BERTH, ['version', '--format', '{{.Server.Version}}'], { DOCKER_HOST: berthd.dockerHost }));
    }
    console.log(`10-step build; medians of ${COLD_RUNS} cold and ${RUNS} cached runs per row, interleaved (ms); load average ${loadBefore} → ${load()}`);
    const docker = rows.find((r) => r.name.endsWith('dockerd'));
    console.log('client → engine'.padEnd(24), 'cold'.padStart(7), 'cached'.padStart(7), 'min'.padStart(6), docker ? '  cached vs docker CLI → dockerd' : '');
    for (const r of rows) {
      const ratio = docker && r !== docker ? `  ${(median(docker.cached) / median(r.cached)).toFixed(2)}× faster (cold ${(median(docker.cold) / median(r.cold)).toFixed(2)}×)` : '';
      console.log(r.name.padEnd(24), median(r.cold).toFixed(0).padStart(7), median(r.cached).toFixed(0).padStart(7), Math.min(...r.cached).toFixed(0).padStart(6), ratio);
    }
    console.log('berth version → berthd'.padEnd(24), '-'.padStart(7), median(floor).toFixed(0).padStart(7), Math.min(...floor).toFixed(0).padStart(6), '  (CLI start-up + one API call: the floor under `berth build`)');
    if (!docker) console.log(`(no dockerd: ${noDocker})`);
  } finally {
    await dockerd?.stop();
    await berthd.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
