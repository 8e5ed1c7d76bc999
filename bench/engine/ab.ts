// Two berthd builds side by side (old vs new): `run --rm IMG true` against a private berthd of each,
// sample by sample (alternating who goes first), so the load of a shared machine hits both alike.
// Per case: wall medians, B/A per pair, and berthd's CPU time per run (user+sys from /proc: robust
// to load; work a build defers past its answer lands in its next sample, so compare the mean over
// all cases). With --trace both run at debug level and their phases and request times are printed.
// It reports; it never fails on a goal. Removes everything it made, also on SIGINT.
//
// Usage: node --import tsx bench/engine/ab.ts --baseline REF [--candidate REF] [--runs 30] [--trace]
//          [--network none] [--all-cases]
//   --baseline: a git ref built in a temp dir (e.g. main); --candidate: another ref, else this checkout.
//   Default case: the docker CLI's `run --rm [--network N] IMG true`. --all-cases: the docker CLI on
//   the default bridge and with --network none, and the berth CLI (bin/berth of each build).
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { prepareBuild, startBerthd, type BerthEngine } from './berth-engine.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { loadAverage, summarise, timeCommand } from './stats.js';
import { phaseTimes, printPhaseTimes, printRequestTimes, requestTimes } from './trace.js';
import { checkpoint, cleanup, cleanups, flag, hasFlag } from './cli-args.js';

const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'bench-busybox:latest';
const RUNS = Number(flag('--runs')) || 30;
const TRACE = hasFlag('--trace');
const BASELINE = flag('--baseline');
const CANDIDATE = flag('--candidate');
const NETWORK = flag('--network');
const ALL_CASES = hasFlag('--all-cases');

/** user+sys CPU milliseconds a process has used so far (/proc/<pid>/stat fields 14 and 15, USER_HZ 100). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

interface Side { label: string; engine: BerthEngine; berth: string }
interface Case { what: string; argv: (s: Side) => string[] }

async function main(): Promise<void> {
  if (!BASELINE) throw new Error('--baseline REF is required');
  const builds = [prepareBuild(true, BASELINE), CANDIDATE ? prepareBuild(true, CANDIDATE) : prepareBuild(false)];
  for (const b of builds) cleanups.push(() => b.remove());
  const sides: Side[] = [];
  for (const [k, b] of builds.entries()) {
    const engine = await startBerthd(b, TRACE ? 'debug' : 'info');
    cleanups.push(() => engine.stop());
    sides.push({ label: `${k === 0 ? 'A' : 'B'} ${b.commit}`, engine, berth: join(b.dir, 'bin/berth') });
  }
  const tar = makeBusyboxTar();
  cleanups.push(() => rmSync(dirname(tar), { recursive: true, force: true }));
  for (const s of sides) {
    const r = spawnSync(DOCKER, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], { env: { ...process.env, DOCKER_HOST: s.engine.host }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`import into ${s.label}: ${r.stderr}`);
  }
  const net = (n?: string) => (n ? ['--network', n] : []);
  const cases: Case[] = ALL_CASES
    ? [
      { what: 'docker run --rm', argv: () => [DOCKER, 'run', '--rm', IMAGE, 'true'] },
      { what: 'docker run --rm --network none', argv: () => [DOCKER, 'run', '--rm', ...net('none'), IMAGE, 'true'] },
      { what: 'berth run --rm', argv: (s) => [s.berth, 'run', '--rm', IMAGE, 'true'] },
    ]
    : [{ what: `docker run --rm${NETWORK ? ` --network ${NETWORK}` : ''}`, argv: () => [DOCKER, 'run', '--rm', ...net(NETWORK), IMAGE, 'true'] }];
  const wall = cases.map(() => [[], []] as number[][]);
  const cpu = cases.map(() => [[], []] as number[][]);
  const offsets = sides.map((s) => statSync(s.engine.logFile).size);
  const load0 = loadAverage();
  for (let i = -2; i < RUNS; i++) {
    for (const [c, kase] of cases.entries()) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) {
        checkpoint();
        const s = sides[k];
        const c0 = cpuMs(s.engine.pid);
        const ms = timeCommand(kase.argv(s), s.engine.host);
        if (i < 0) continue;
        wall[c][k].push(ms);
        cpu[c][k].push(cpuMs(s.engine.pid) - c0);
      }
    }
  }
  console.log(`# ${RUNS} interleaved samples per case and build; load average ${load0} -> ${loadAverage()}`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  for (const [c, kase] of cases.entries()) {
    console.log(`\n${kase.what}`);
    for (const k of [0, 1]) {
      const s = summarise(wall[c][k]);
      console.log(`${sides[k].label.padEnd(50)} median ${s.median.toFixed(1).padStart(7)}  p90 ${s.p90.toFixed(1).padStart(7)}  min ${s.min.toFixed(1).padStart(7)} ms  berthd cpu ${mean(cpu[c][k]).toFixed(1)} ms/run`);
    }
    const [a, b] = wall[c];
    console.log(`B faster in ${b.filter((x, i) => x < a[i]).length} of ${RUNS} pairs; median of B/A per pair ${summarise(b.map((x, i) => x / a[i])).median.toFixed(3)}`);
  }
  if (cases.length > 1) for (const k of [0, 1]) console.log(`${sides[k].label}: berthd cpu over all cases ${mean(cpu.flatMap((x) => x[k])).toFixed(1)} ms/run`);
  if (TRACE) {
    for (const [k, s] of sides.entries()) {
      const to = statSync(s.engine.logFile).size;
      printPhaseTimes(s.label, phaseTimes(s.engine.logFile, offsets[k], to));
      printRequestTimes(s.label, requestTimes(s.engine.logFile, offsets[k], to));
    }
  }
}

main().catch((e: unknown) => { console.error(`ab: ${(e as Error).message}`); process.exitCode = 1; }).finally(() => cleanup());
