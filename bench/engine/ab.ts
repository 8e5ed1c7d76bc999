// Two berthd builds side by side (old vs new): the docker CLI's `run --rm IMG true` against a private
// berthd of each, sample by sample (alternating who goes first), so the load of a shared machine
// hits both alike. With --trace both run at debug level and their start/exit phases are printed.
// It reports; it never fails on a goal. Removes everything it made, also on SIGINT.
//
// Usage: node --import tsx bench/engine/ab.ts --baseline REF [--candidate REF] [--runs 30] [--trace] [--network none]
//   --baseline: a git ref built in a temp dir (e.g. main); --candidate: another ref, else this checkout.
import { statSync } from 'node:fs';
import { prepareBuild, startBerthd, type BerthEngine } from './berth-engine.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { loadAverage, summarise, timeCommand } from './stats.js';
import { phaseTimes, printPhaseTimes } from './trace.js';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { rmSync } from 'node:fs';
import { checkpoint, cleanup, cleanups, flag, hasFlag } from './cli-args.js';

const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'bench-busybox:latest';
const RUNS = Number(flag('--runs')) || 30;
const TRACE = hasFlag('--trace');
const BASELINE = flag('--baseline');
const CANDIDATE = flag('--candidate');
const NETWORK = flag('--network');

async function main(): Promise<void> {
  if (!BASELINE) throw new Error('--baseline REF is required');
  const builds = [prepareBuild(true, BASELINE), CANDIDATE ? prepareBuild(true, CANDIDATE) : prepareBuild(false)];
  for (const b of builds) cleanups.push(() => b.remove());
  const labels = [`A ${builds[0].commit}`, `B ${builds[1].commit}`];
  const engines: BerthEngine[] = [];
  for (const b of builds) {
    const e = await startBerthd(b, TRACE ? 'debug' : 'info');
    cleanups.push(() => e.stop());
    engines.push(e);
  }
  const tar = makeBusyboxTar();
  cleanups.push(() => rmSync(dirname(tar), { recursive: true, force: true }));
  for (const e of engines) {
    const r = spawnSync(DOCKER, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], { env: { ...process.env, DOCKER_HOST: e.host }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`import: ${r.stderr}`);
  }
  const argv = [DOCKER, 'run', '--rm', ...(NETWORK ? ['--network', NETWORK] : []), IMAGE, 'true'];
  const offsets = engines.map((e) => statSync(e.logFile).size);
  const samples: number[][] = [[], []];
  const load0 = loadAverage();
  for (let i = -2; i < RUNS; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      checkpoint();
      const ms = timeCommand(argv, engines[k].host);
      if (i >= 0) samples[k].push(ms);
    }
  }
  console.log(`# docker CLI \`${argv.slice(1).join(' ')}\`, ${RUNS} interleaved samples each; load average ${load0} -> ${loadAverage()}`);
  for (const k of [0, 1]) {
    const s = summarise(samples[k]);
    console.log(`${labels[k].padEnd(50)} median ${s.median.toFixed(1).padStart(7)}  p90 ${s.p90.toFixed(1).padStart(7)}  min ${s.min.toFixed(1).padStart(7)} ms`);
  }
  const wins = samples[1].filter((b, i) => b < samples[0][i]).length;
  console.log(`B faster in ${wins} of ${RUNS} pairs; median of B/A per pair ${summarise(samples[1].map((b, i) => b / samples[0][i])).median.toFixed(3)}`);
  if (TRACE) engines.forEach((e, k) => printPhaseTimes(labels[k], phaseTimes(e.logFile, offsets[k])));
}

main().catch((e: unknown) => { console.error(`ab: ${(e as Error).message}`); process.exitCode = 1; }).finally(() => cleanup());
