// berth vs Docker, side by side in one run (issue 4's benchmarks): `run --rm IMG true`, `exec`,
// create+start of 50 containers, and memory with 10 idle containers. Starts a private berthd and
// (when docker.io is installed) a private containerd + dockerd, imports the same busybox image into
// both, interleaves the engines sample by sample, prints a table, and removes everything it made,
// also on SIGINT or when a step fails. It reports; it never fails on a goal.
//
// Usage: node --import tsx bench/engine/run.ts [--runs 20] [--batches 3] [--json FILE] [--trace] [--from-head]
import { join } from 'node:path';
import { prepareBuild, startBerthd } from './berth-engine.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { dockerInstalled, startDockerEngine, type DockerEngine } from './docker-engine.js';
import { childrenOf, memoryOf, pidsOf } from './memory.js';
import { loadAverage, runAsync, summarise, timeCommand, type Summary } from './stats.js';
import { printReport, writeJson, type Report } from './report.js';
import { makeRuncBundle } from './runc-reference.js';
import { phaseTimes, printPhaseTimes, printRequestTimes, requestTimes } from './trace.js';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { request } from 'node:http';
import { checkpoint, cleanup, cleanups, flag, hasFlag } from './cli-args.js';

const DOCKER = ['/usr/local/bin/docker'];
const IMAGE = 'bench-busybox:latest';

const RUNS = Number(flag('--runs')) || 20;
const BATCHES = Number(flag('--batches')) || 3;
const JSON_FILE = flag('--json');
// --trace runs berthd at debug level and prints its per-endpoint request times (costs a little).
const TRACE = hasFlag('--trace');
// --from-head measures a build of the last commit instead of this (possibly half-edited) tree.
const FROM_HEAD = hasFlag('--from-head');

interface Engine { name: 'berthd' | 'dockerd'; host: string; pids(): { daemon: number[]; monitors: number[] } }

function removeAll(e: Engine): void {
  try {
    const ids = output([...DOCKER, 'ps', '-aq'], e.host).split('\n').filter(Boolean);
    if (ids.length) timeCommand([...DOCKER, 'rm', '-f', ...ids], e.host);
  } catch (err) {
    console.error(`# removing ${e.name}'s containers: ${(err as Error).message}`);
  }
}
/** The output of a quick command (ids, an import); a failure throws. */
function output(argv: string[], host: string): string {
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim().split('\n')[0]}`);
  return r.stdout.trim();
}

/** Interleaves the cases sample by sample (rotating who goes first) so load hits all alike. */
function interleaved(cases: Array<{ label: string; argv: string[]; host: string }>, runs: number): Map<string, Summary | undefined> {
  const samples = new Map(cases.map((c) => [c.label, [] as number[]]));
  const failed = new Set<string>();
  for (let i = -2; i < runs; i++) { // two warm-up rounds
    const order = cases.map((_, k) => cases[(k + Math.max(i, 0)) % cases.length]);
    for (const c of order) {
      checkpoint();
      if (failed.has(c.label)) continue;
      try {
        const ms = timeCommand(c.argv, c.host);
        if (i >= 0) samples.get(c.label)!.push(ms);
      } catch (e) {
        failed.add(c.label);
        console.error(`# ${c.label}: ${(e as Error).message}`);
      }
    }
  }
  return new Map(cases.map((c) => [c.label, failed.has(c.label) ? undefined : summarise(samples.get(c.label)!)]));
}

/** Wall time of creating + starting `count` `sleep 300` containers, `parallel` at a time. */
async function createStart(e: Engine, count: number, parallel: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < count; done += parallel) {
    checkpoint();
    const batch = Array.from({ length: Math.min(parallel, count - done) }, () => runAsync([...DOCKER, 'run', '-d', IMAGE, 'sleep', '300'], e.host));
    await Promise.all(batch);
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The crun berthd runs: its hybrid-host wrapper when it wrote one, else crun itself. */
function crunOf(execRoot: string): string {
  const wrapper = join(execRoot, 'probe', 'crun-hybrid');
  return existsSync(wrapper) ? wrapper : 'crun';
}

function infoRuntime(socket: string): Promise<string | undefined> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/info' }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => { body += d.toString(); });
      r.on('end', () => { try { res((JSON.parse(body) as { DefaultRuntime?: string }).DefaultRuntime); } catch { res(undefined); } });
    });
    req.on('error', () => res(undefined));
    req.end();
  });
}

async function main(): Promise<void> {
  const report: Report = { date: new Date().toISOString(), runs: RUNS, loadBefore: loadAverage(), rows: [], notes: [] };
  const build = prepareBuild(FROM_HEAD);
  cleanups.push(() => build.remove());
  report.berthBuild = build.commit;
  // As a user runs it: bin/berth as a command (its shell line drops NODE_EXTRA_CA_CERTS, see the file).
  const BERTH = [join(build.dir, 'bin/berth')];
  const berthd = await startBerthd(build, TRACE ? 'debug' : 'info');
  cleanups.push(() => berthd.stop());
  report.berthRuntime = await infoRuntime(berthd.socket);
  let docker: DockerEngine | undefined;
  if (dockerInstalled()) {
    try {
      // Docker's own networking (a bridge of ours, iptables on, removed after): containers on a
      // bridge on both sides, as berthd's default bridge; `--network none` cases compare without.
      docker = await startDockerEngine({ networking: { addressPool: '10.249.0.0/16' } });
      cleanups.push(() => docker!.stop());
    } catch (e) {
      report.notes.push(`dockerd could not start: ${(e as Error).message.split('\n')[0]}`);
    }
  } else report.notes.push('docker.io is not installed: docker columns are empty');

  const engines: Engine[] = [{ name: 'berthd', host: berthd.host, pids: () => ({ daemon: [berthd.pid, ...childrenOf(berthd.pid)], monitors: pidsOf('conmon', berthd.execRoot) }) }];
  if (docker) {
    const d = docker;
    engines.push({ name: 'dockerd', host: d.host, pids: () => { const all = d.pids(); return { daemon: all.slice(0, 2), monitors: all.slice(2) }; } });
  }
  const tar = makeBusyboxTar();
  cleanups.push(() => rmSync(dirname(tar), { recursive: true, force: true }));
  for (const e of engines) output([...DOCKER, 'import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], e.host);
  const [B, D] = [engines[0], engines[1] as Engine | undefined];
  for (const e of engines) cleanups.push(() => removeAll(e));

  // 1. run --rm IMG true
  console.error(`# run --rm: ${RUNS} interleaved rounds`);
  // Both engines put containers on a bridge by default (dockerd on the benchmark's own bridge);
  // the --network none cases compare the engines without any network set-up.
  const none = ['--network', 'none'];
  const runCases = [
    { label: 'docker->berthd', argv: [...DOCKER, 'run', '--rm', IMAGE, 'true'], host: B.host },
    { label: 'berth->berthd', argv: [...BERTH, 'run', '--rm', IMAGE, 'true'], host: B.host },
    ...(D ? [{ label: 'docker->dockerd', argv: [...DOCKER, 'run', '--rm', IMAGE, 'true'], host: D.host }] : []),
    { label: 'docker->berthd none', argv: [...DOCKER, 'run', '--rm', ...none, IMAGE, 'true'], host: B.host },
    { label: 'berth->berthd none', argv: [...BERTH, 'run', '--rm', ...none, IMAGE, 'true'], host: B.host },
    ...(D ? [{ label: 'docker->dockerd none', argv: [...DOCKER, 'run', '--rm', ...none, IMAGE, 'true'], host: D.host }] : []),
  ];
  const ref = makeRuncBundle();
  cleanups.push(() => ref.remove());
  const logAt = () => statSync(berthd.logFile).size;
  const runFrom = logAt();
  const run = interleaved(runCases, RUNS);
  const runTo = logAt();
  const refSamples: number[] = [];
  const stepSamples: number[] = [];
  // The floors of the pieces a CLI round trip is made of: the runtimes alone, Node's own start-up
  // (as berth's CLI gets it, and with NODE_EXTRA_CA_CERTS if the environment sets it), the docker CLI's.
  const crunBinary = report.berthRuntime === 'crun' ? crunOf(berthd.execRoot) : undefined;
  const floors = new Map<string, number[]>([['crun', []], ['node', []], ['node+ca', []], ['docker', []], ['berth', []]]);
  const noCa = { ...process.env };
  delete noCa.NODE_EXTRA_CA_CERTS;
  const timeEnv = (argv: string[], env: NodeJS.ProcessEnv) => {
    const t0 = process.hrtime.bigint();
    spawnSync(argv[0], argv.slice(1), { env, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  for (let i = 0; i < RUNS; i++) {
    checkpoint();
    refSamples.push(ref.time());
    stepSamples.push(ref.timeSteps());
    if (crunBinary) floors.get('crun')!.push(ref.time(crunBinary));
    floors.get('node')!.push(timeEnv([process.execPath, '-e', '0'], noCa));
    if (process.env.NODE_EXTRA_CA_CERTS) floors.get('node+ca')!.push(timeEnv([process.execPath, '-e', '0'], process.env));
    floors.get('docker')!.push(timeEnv([...DOCKER, '--version'], process.env));
    floors.get('berth')!.push(timeEnv([...BERTH, '--version'], process.env));
  }
  const floor = (k: string) => (floors.get(k)!.length ? summarise(floors.get(k)!) : undefined);
  report.rows.push(
    { what: 'run --rm IMG true, docker CLI on both', berth: run.get('docker->berthd'), docker: run.get('docker->dockerd'), unit: 'ms', goal: 'berth/docker <= 0.2 (5x)' },
    { what: 'run --rm IMG true, berth CLI vs docker CLI', berth: run.get('berth->berthd'), docker: run.get('docker->dockerd'), unit: 'ms', goal: 'berth/docker <= 0.33 (3x)' },
    { what: 'run --rm --network none IMG true, docker CLI on both', berth: run.get('docker->berthd none'), docker: run.get('docker->dockerd none'), unit: 'ms', goal: 'berth/docker <= 0.2 (5x)' },
    { what: 'run --rm --network none IMG true, berth CLI vs docker CLI', berth: run.get('berth->berthd none'), docker: run.get('docker->dockerd none'), unit: 'ms', goal: 'berth/docker <= 0.33 (3x)' },
    { what: 'bare runc run of true (floor, no engine)', berth: summarise(refSamples), unit: 'ms' },
    { what: 'runc create+start+state+delete of true (no monitor)', berth: summarise(stepSamples), unit: 'ms' },
    ...(crunBinary ? [{ what: `bare crun run of true (${crunBinary.endsWith('crun-hybrid') ? 'through berthd\'s hybrid-host wrapper' : 'crun'})`, berth: floor('crun'), unit: 'ms' }] : []),
    { what: 'node -e 0 (Node start-up, the floor of any berth CLI call)', berth: floor('node'), unit: 'ms' },
    ...(floor('node+ca') ? [{ what: 'node -e 0 with NODE_EXTRA_CA_CERTS (as set here)', berth: floor('node+ca'), unit: 'ms' }] : []),
    { what: 'docker --version (the docker CLI\'s start-up)', berth: floor('docker'), unit: 'ms' },
    { what: 'berth --version (the berth CLI\'s start-up: node + its bundle)', berth: floor('berth'), unit: 'ms' },
  );

  checkpoint();
  // 2. exec CONTAINER true
  console.error(`# exec: ${RUNS} interleaved rounds`);
  const target = new Map<string, string>(engines.map((e) => [e.name, output([...DOCKER, 'run', '-d', IMAGE, 'sleep', '300'], e.host)]));
  // Network set-up is part of a start's cost: say what each engine gave its containers.
  for (const e of engines) {
    const net = output([...DOCKER, 'inspect', '-f', '{{.HostConfig.NetworkMode}} ip={{.NetworkSettings.IPAddress}}', target.get(e.name)!], e.host);
    report.notes.push(`${e.name} container network: ${net}`);
  }
  const execCases = [
    { label: 'docker->berthd', argv: [...DOCKER, 'exec', target.get('berthd')!, 'true'], host: B.host },
    { label: 'berth->berthd', argv: [...BERTH, 'exec', target.get('berthd')!, 'true'], host: B.host },
    ...(D ? [{ label: 'docker->dockerd', argv: [...DOCKER, 'exec', target.get('dockerd')!, 'true'], host: D.host }] : []),
  ];
  const execFrom = logAt();
  const exec = interleaved(execCases, RUNS);
  const execTo = logAt();
  report.rows.push(
    { what: 'exec C true, docker CLI on both', berth: exec.get('docker->berthd'), docker: exec.get('docker->dockerd'), unit: 'ms' },
    { what: 'exec C true, berth CLI vs docker CLI', berth: exec.get('berth->berthd'), docker: exec.get('docker->dockerd'), unit: 'ms' },
  );
  for (const e of engines) removeAll(e);

  checkpoint();
  // 3. create + start of 50 containers (docker CLI `run -d`, 10 at a time, the same for both)
  console.error(`# 50 x create+start: ${BATCHES} rounds`);
  const fifty = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  for (let r = 0; r < BATCHES; r++) {
    for (const e of r % 2 ? [...engines].reverse() : engines) {
      try {
        fifty.get(e.name)!.push(await createStart(e, 50, 10));
      } catch (err) {
        console.error(`# 50 containers on ${e.name}: ${(err as Error).message}`);
      }
      removeAll(e);
    }
  }
  const sum = (name: string) => (fifty.get(name)?.length ? summarise(fifty.get(name)!) : undefined);
  report.rows.push({ what: 'create+start 50 containers (10 parallel)', berth: sum('berthd'), docker: sum('dockerd'), unit: 'ms' });

  checkpoint();
  // 4. memory with 10 idle containers
  console.error('# memory with 10 idle containers');
  for (const e of engines) await createStart(e, 10, 10);
  await new Promise((r) => setTimeout(r, 3000)); // let start-up garbage settle
  const mem = new Map<string, { daemon: ReturnType<typeof memoryOf>; monitors: ReturnType<typeof memoryOf> }>(engines.map((e) => {
    const p = e.pids();
    return [e.name, { daemon: memoryOf(p.daemon), monitors: memoryOf(p.monitors) }];
  }));
  const mb = (name: string, part: 'daemon' | 'monitors' | 'all', key: 'rssMB' | 'pssMB') => {
    const m = mem.get(name);
    if (!m) return undefined;
    return part === 'all' ? m.daemon[key] + m.monitors[key] : m[part][key];
  };
  report.rows.push(
    { what: 'memory RSS, daemon(s)', berth: mb('berthd', 'daemon', 'rssMB'), docker: mb('dockerd', 'daemon', 'rssMB'), unit: 'MB' },
    { what: `memory RSS, monitors (${mem.get('berthd')?.monitors.pids} conmon / ${mem.get('dockerd')?.monitors.pids ?? 0} shims)`, berth: mb('berthd', 'monitors', 'rssMB'), docker: mb('dockerd', 'monitors', 'rssMB'), unit: 'MB' },
    { what: 'memory RSS, total', berth: mb('berthd', 'all', 'rssMB'), docker: mb('dockerd', 'all', 'rssMB'), unit: 'MB', goal: 'berth/docker <= 0.5' },
    { what: 'memory PSS, total', berth: mb('berthd', 'all', 'pssMB'), docker: mb('dockerd', 'all', 'pssMB'), unit: 'MB', goal: 'berth/docker <= 0.5' },
  );
  checkpoint();
  report.loadAfter = loadAverage();
  printReport(report);
  if (TRACE) {
    printRequestTimes('run --rm step (both CLIs)', requestTimes(berthd.logFile, runFrom, runTo));
    printPhaseTimes('run --rm step (both CLIs)', phaseTimes(berthd.logFile, runFrom, runTo));
    printRequestTimes('exec step (both CLIs)', requestTimes(berthd.logFile, execFrom, execTo));
  }
  if (JSON_FILE) writeJson(JSON_FILE, report);
}

try {
  await main();
} catch (e) {
  console.error(`benchmark aborted: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
