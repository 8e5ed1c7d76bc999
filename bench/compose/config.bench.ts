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
  const lines = ['name: bench', 'services:'];
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

function time(cmd: string, args: string[], cwd: string, runs: number): number | undefined {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, PATH: process.env.PATH ?? '' } });
    const t = performance.now() - t0;
    if (r.status !== 0) return undefined;
    xs.push(t);
  }
  return median(xs);
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
  const renders: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    const { project } = load();
    const t1 = performance.now();
    renderYaml(project);
    renders.push(performance.now() - t1);
    loads.push(t1 - t0);
  }

  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const berth = join(root, 'bin', 'berth');
  const berthSmall = time(process.execPath, [berth, 'compose', '-f', 'small.yaml', 'config', '-q'], dir, 11);
  const berthBig = time(process.execPath, [berth, 'compose', '-f', 'big.yaml', 'config'], dir, 5);
  const hasV1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
  const v1Small = hasV1 ? time('docker-compose', ['-f', 'small.yaml', 'config', '-q'], dir, 5) : undefined;
  const v1Big = hasV1 ? time('docker-compose', ['-f', 'big.yaml', 'config'], dir, 3) : undefined;

  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
  console.log('compose model benchmark (medians)');
  console.log(`  in-process load+normalise, 500 services:   ${ms(median(loads))}   (goal < 200 ms)`);
  console.log(`  in-process YAML rendering, 500 services:   ${ms(median(renders))}`);
  console.log(`  CLI cold start, config -q, small file:     berth ${ms(berthSmall)}   docker-compose 1.29 ${ms(v1Small)}   (goal < 150 ms)`);
  console.log(`  CLI config, 500-service file:              berth ${ms(berthBig)}   docker-compose 1.29 ${ms(v1Big)}`);
  if (berthSmall && v1Small) console.log(`  ratio small (docker-compose / berth):      ${(v1Small / berthSmall).toFixed(1)}x`);
  if (berthBig && v1Big) console.log(`  ratio 500 services (docker-compose / berth): ${(v1Big / berthBig).toFixed(1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
