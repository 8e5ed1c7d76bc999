// Benchmark for the Compose model (reported, not asserted):
//  1. load + normalise a generated 500-service project in-process (goal < 200 ms),
//  2. CLI cold start of `berth compose config -q` on a small file (goal < 150 ms),
//  3. the same commands with Debian's docker-compose (v1.29) side by side, when installed.
// Run: node --import tsx bench/compose/config.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadProject, renderYaml } from '../../src/compose/index.js';

const root = join(import.meta.dirname, '..', '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bigProject(n: number): string {
  // No top-level `name:`: docker-compose 1.29 rejects it, and the comparison needs both to accept the file.
  const lines = ['services:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: "registry.example.com/team/app${i % 7}:\${TAG:-1.${i % 10}}"`,
      '    command: ["sh", "-c", "echo hello && sleep 3600"]',
      '    ports:',
      `      - "${10000 + i}:80"`,
      `      - "127.0.0.1::${9000 + (i % 100)}/udp"`,
      '    volumes:',
      `      - data${i % 20}:/data`,
      `      - ./conf/svc${i}:/etc/app:ro`,
      '    environment:',
      `      - INDEX=${i}`,
      '      - MODE=${MODE:-production}',
      '      - EMPTY',
      '    labels:',
      `      com.example.index: "${i}"`,
      '    healthcheck:',
      '      test: curl -f http://localhost/health',
      '      interval: 30s',
      '      timeout: 5s',
      '      retries: 3',
      '    deploy:',
      '      resources:',
      '        limits:',
      "          cpus: '0.5'",
      '          memory: 256M',
      '    networks: [front, back]',
    );
    if (i > 0) lines.push('    depends_on:', `      svc${i - 1}:`, '        condition: service_started');
  }
  lines.push('networks:', '  front: {}', '  back:', '    internal: true', 'volumes:');
  for (let v = 0; v < 20; v++) lines.push(`  data${v}: {}`);
  return `${lines.join('\n')}\n`;
}

const SMALL = 'services:\n  web:\n    build: .\n    ports:\n      - "8000:5000"\n  redis:\n    image: redis:alpine\n';

interface Timing {
  wall: number;
  /** user + system CPU of the child, from /usr/bin/time: less sensitive to a busy machine. */
  cpu?: number;
}

const hasTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { encoding: 'utf8' }).status === 0;

function time(cmd: string, args: string[], cwd: string, runs: number): Timing | undefined {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', 'BERTH_CPU %U %S', cmd, ...args], { cwd, encoding: 'utf8' })
      : spawnSync(cmd, args, { cwd, encoding: 'utf8' });
    const t = performance.now() - t0;
    if (r.status !== 0) {
      console.error(`  (${cmd} ${args.join(' ')} failed: ${(r.stderr ?? '').trim().split('\n')[0]})`);
      return undefined;
    }
    walls.push(t);
    const m = /BERTH_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (m) cpus.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wall: median(walls), cpu: cpus.length > 0 ? median(cpus) : undefined };
}

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
try {
  writeFileSync(join(dir, 'big.yaml'), bigProject(500));
  writeFileSync(join(dir, 'small.yaml'), SMALL);
  const env = { HOME: '/root', PATH: process.env.PATH };

  // In-process: warm up once (JIT, module loading), then take the median of repeated loads.
  const load = () => loadProject({ cwd: dir, env, configPaths: ['big.yaml'] });
  load();
  const loads: number[] = [];
  const loadCpu: number[] = [];
  const renders: number[] = [];
  for (let i = 0; i < 15; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { project } = load();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    renderYaml(project);
    renders.push(performance.now() - t1);
    loads.push(t1 - t0);
    loadCpu.push((c1.user + c1.system) / 1000);
  }
  const nodeBaseline = time(process.execPath, ['-e', '0'], dir, 11);

  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const berth = join(root, 'bin', 'berth');
  const berthSmall = time(process.execPath, [berth, 'compose', '-f', 'small.yaml', 'config', '-q'], dir, 11);
  const berthBig = time(process.execPath, [berth, 'compose', '-f', 'big.yaml', 'config'], dir, 5);
  const hasV1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
  const v1Small = hasV1 ? time('docker-compose', ['-f', 'small.yaml', 'config', '-q'], dir, 5) : undefined;
  const v1Big = hasV1 ? time('docker-compose', ['-f', 'big.yaml', 'config'], dir, 3) : undefined;

  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);
  const both = (t: Timing | undefined) => (t === undefined ? 'n/a' : `${ms(t.wall)} wall, ${ms(t.cpu)} cpu`);
  console.log(`compose model benchmark (medians; load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
  console.log(`  in-process load+normalise, 500 services: ${ms(median(loads))} wall, ${ms(median(loadCpu))} cpu   (goal < 200 ms)`);
  console.log(`  in-process YAML rendering, 500 services: ${ms(median(renders))}`);
  console.log(`  node -e 0 (start-up floor):              ${both(nodeBaseline)}`);
  console.log(`  CLI cold start, config -q, small file:   berth ${both(berthSmall)} | docker-compose 1.29 ${both(v1Small)}   (goal < 150 ms)`);
  console.log(`  CLI config, 500-service file:            berth ${both(berthBig)} | docker-compose 1.29 ${both(v1Big)}`);
  if (berthSmall && v1Small) console.log(`  docker-compose / berth, small file:      ${(v1Small.wall / berthSmall.wall).toFixed(1)}x wall`);
  if (berthBig && v1Big) console.log(`  docker-compose / berth, 500 services:    ${(v1Big.wall / berthBig.wall).toFixed(1)}x wall`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
