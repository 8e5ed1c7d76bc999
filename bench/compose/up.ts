// `berth compose` on berthd vs Debian's docker-compose 1.29 on a private dockerd, side by side in
// one run (issue 8's benchmarks): cold `up -d` of 5 and of 20 services, a no-op `up -d`, `down`.
// Also `berth compose` on the same dockerd, to tell the client's share from the engine's. The
// services are busybox `sleep` (stop_signal SIGKILL, so `down` measures removal, not a 10 s grace).
// Engines are interleaved cycle by cycle (cold up, no-op ups, down); medians and ratios printed.
// Everything made is removed, also on SIGINT or when a step fails. It reports; it never fails on a goal.
//
// Usage: node --import tsx bench/compose/up.ts [--cycles 3] [--noops 3] [--sizes 5,20] [--json FILE] [--from-head]
//        [--baseline COMMIT] [--baseline-engine COMMIT] [--berth-only] [--trace]
// (--from-head measures a build of the last commit, berthd and the berth CLI both; --baseline adds
// the berth CLI of COMMIT on the same berthd, interleaved: the client's change alone;
// --baseline-engine adds a second berthd built from COMMIT, driven by this build's CLI, interleaved:
// the daemon's change alone; --berth-only leaves Docker out, for a quicker A/B; --trace runs the berthds at
// debug level and prints their start phases and request times during the cold ups.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareBuild, startBerthd } from '../engine/berth-engine.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { loadAverage, summarise, type Summary } from '../engine/stats.js';
import { phaseTimesOver, printPhaseTimes, printRequestTimes, requestTimesOver } from '../engine/trace.js';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../test/helpers/busybox.js';

const DOCKER_COMPOSE = '/usr/bin/docker-compose';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const CYCLES = Number(flag('--cycles')) || 3;
const NOOPS = Number(flag('--noops')) || 3;
const SIZES = (flag('--sizes') ?? '5,20').split(',').map(Number);
const JSON_FILE = flag('--json');
const FROM_HEAD = process.argv.includes('--from-head');
const BASELINE = flag('--baseline');
const BASELINE_ENGINE = flag('--baseline-engine');
const BERTH_ONLY = process.argv.includes('--berth-only');
const TRACE = process.argv.includes('--trace');
let BERTH = '';

const cleanups: Array<() => Promise<void> | void> = [];
async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) {
    try { await c(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { console.error(`\n${sig}: cleaning up`); void cleanup().finally(() => process.exit(130)); });

/** A project of `n` independent busybox services. */
function projectYaml(n: number): string {
  let out = 'services:\n';
  for (let i = 1; i <= n; i++) out += `  s${i}:\n    image: busybox:latest\n    command: ["sleep", "100000"]\n    stop_signal: SIGKILL\n`;
  return out;
}

interface Client { name: string; argv: string[]; host: string; /** a berthd's debug log (with --trace) */ logFile?: string }

/** Wall milliseconds of one compose command; throws with its stderr on failure. */
function timeCompose(c: Client, dir: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.argv[0], [...c.argv.slice(1), ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST: c.host }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name}: ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return ms;
}

function importBusybox(host: string, work: string): void {
  const r = spawnSync(BERTH, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, makeBusyboxTar(join(work, 'bb.tar')), 'busybox:latest'], { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import into ${host}: ${r.stderr}`);
}

type Scenario = 'cold up -d' | 'no-op up -d' | 'down';
const results: Record<string, Record<string, number[]>> = {};
const record = (size: number, s: Scenario, client: string, ms: number) => {
  ((results[`${s}, ${size} services`] ??= {})[client] ??= []).push(ms);
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-compose-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const build = prepareBuild(FROM_HEAD);
  cleanups.push(() => build.remove());
  BERTH = join(build.dir, 'bin/berth');
  const berthd = await startBerthd(build, TRACE ? 'debug' : 'info');
  cleanups.push(() => berthd.stop());
  importBusybox(berthd.host, work);
  const clients: Client[] = [{ name: 'berth compose → berthd', argv: [BERTH, 'compose'], host: berthd.host, logFile: berthd.logFile }];
  if (BASELINE_ENGINE) {
    const old = prepareBuild(true, BASELINE_ENGINE);
    cleanups.push(() => old.remove());
    const oldd = await startBerthd(old, TRACE ? 'debug' : 'info');
    cleanups.push(() => oldd.stop());
    importBusybox(oldd.host, work);
    // The same (this build's) client on both: the daemon's change alone.
    clients.push({ name: `berth compose → berthd ${old.commit}`, argv: [BERTH, 'compose'], host: oldd.host, logFile: oldd.logFile });
  }
  if (BASELINE) {
    const old = prepareBuild(true, BASELINE);
    cleanups.push(() => old.remove());
    clients.push({ name: `berth compose ${old.commit} → berthd`, argv: [join(old.dir, 'bin/berth'), 'compose'], host: berthd.host });
  }
  if (dockerInstalled() && !BERTH_ONLY) {
    const docker = await startDockerEngine();
    cleanups.push(() => docker.stop());
    importBusybox(docker.host, work);
    if (spawnSync(DOCKER_COMPOSE, ['version'], { stdio: 'ignore' }).status === 0) {
      clients.push({ name: 'docker-compose 1.29 → dockerd', argv: [DOCKER_COMPOSE, '--ansi', 'never'], host: docker.host });
    }
    clients.push({ name: 'berth compose → dockerd', argv: [BERTH, 'compose'], host: docker.host });
  } else {
    console.error(BERTH_ONLY ? '--berth-only: Docker left out' : 'docker.io is not installed: berth alone');
  }
  const load0 = loadAverage();
  /** byte ranges of each traced berthd's log written during cold ups */
  const coldLog = new Map<string, [number, number][]>();
  const coldUp = (c: Client, dir: string, base: string[]): number => {
    const from = c.logFile ? statSync(c.logFile).size : 0;
    const ms = timeCompose(c, dir, [...base, 'up', '-d']);
    if (c.logFile && TRACE) (coldLog.get(c.name) ?? coldLog.set(c.name, []).get(c.name)!).push([from, statSync(c.logFile).size]);
    return ms;
  };
  for (const size of SIZES) {
    const dir = join(work, `p${size}`);
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'docker-compose.yml'), projectYaml(size));
    const base = ['-p', `bench${size}`];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Rotate who goes first, so that neither always runs on a cooler machine.
      for (let k = 0; k < clients.length; k++) {
        const c = clients[(k + cycle) % clients.length];
        record(size, 'cold up -d', c.name, coldUp(c, dir, base));
        for (let i = 0; i < NOOPS; i++) record(size, 'no-op up -d', c.name, timeCompose(c, dir, [...base, 'up', '-d']));
        record(size, 'down', c.name, timeCompose(c, dir, [...base, 'down', '-t', '0']));
      }
    }
  }
  const load1 = loadAverage();
  const summaries: Record<string, Record<string, Summary>> = {};
  const names = clients.map((c) => c.name);
  const ref = names.find((n) => n.startsWith('docker-compose'));
  console.log(`\nberth ${build.commit}; ${CYCLES} cycles × (cold up, ${NOOPS} no-op ups, down); load average ${load0} → ${load1}\n`);
  console.log(`| | ${names.join(' | ')} |${ref ? ' ratio berthd / docker-compose |' : ''}`);
  console.log(`| --- |${names.map(() => ' ---: |').join('')}${ref ? ' ---: |' : ''}`);
  for (const [scenario, byClient] of Object.entries(results)) {
    summaries[scenario] = Object.fromEntries(Object.entries(byClient).map(([n, v]) => [n, summarise(v)]));
    const med = (n: string) => summaries[scenario][n]?.median;
    const cells = names.map((n) => `${Math.round(med(n) ?? NaN)} ms`);
    const ratio = ref ? ` ${(med(names[0]) / med(ref)).toFixed(2)} (${(med(ref) / med(names[0])).toFixed(1)}× faster) |` : '';
    console.log(`| ${scenario} | ${cells.join(' | ')} |${ratio}`);
  }
  for (const c of clients) {
    const ranges = coldLog.get(c.name);
    if (!ranges || !c.logFile) continue;
    printPhaseTimes(`${c.name}, cold ups`, phaseTimesOver(c.logFile, ranges));
    printRequestTimes(`${c.name}, cold ups`, requestTimesOver(c.logFile, ranges));
  }
  if (JSON_FILE) writeFileSync(JSON_FILE, JSON.stringify({ commit: build.commit, load: [load0, load1], cycles: CYCLES, summaries }, null, 2));
}

main().then(cleanup, async (e: unknown) => {
  console.error(`bench failed: ${(e as Error).message}`);
  await cleanup();
  process.exit(1);
});
