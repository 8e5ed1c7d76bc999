#!/usr/bin/env node
// `run --rm IMAGE true` latency, side by side: the berth CLI against berthd vs the docker CLI
// against dockerd (and the two crossed), median of N runs each after warm-ups. Reports, never fails.
//
// Engines: BERTH_HOST / DOCKER_BENCH_HOST point at running engines; otherwise this script starts
// its own berthd (dist/berthd.js) and dockerd with temp roots and removes them afterwards.
// Usage: node bench/run-latency.mjs [--runs 20]
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, chmodSync, symlinkSync, existsSync, writeFileSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const REPO = resolve(import.meta.dirname, '..');
const BERTH = join(REPO, 'bin/berth');
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const IMAGE = 'bench-busybox:latest';
const cleanups = [];

function ping(socket) {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.on('error', () => res(false));
    req.on('timeout', () => { req.destroy(); res(false); });
    req.end();
  });
}

async function startEngine(name, argv, socket, root) {
  const log = openSync(join(root, `${name}.log`), 'a');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    // Whatever the engine left mounted under its root goes before the root itself.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((p) => p && p.startsWith(root)).sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });
  const deadline = Date.now() + 30000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (child.exitCode !== null || Date.now() > deadline) return undefined;
    await sleep(100);
  }
  return `unix://${socket}`;
}

function busyboxTar(dir) {
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const applet of execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    const target = join(root, applet);
    if (applet === 'bin/busybox' || existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  const tar = join(dir, 'busybox.tar');
  execFileSync('tar', ['-C', root, '--numeric-owner', '-cf', tar, '.']);
  return tar;
}

// NODE_EXTRA_CA_CERTS makes every node process parse a CA bundle at start-up (~100 ms on this
// machine); berth never uses TLS for a unix socket, so the bench also reports a run without it.
const envWithout = (name) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== name));

function timeRun(cli, host, baseEnv = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cli[0], [...cli.slice(1), 'run', '--rm', IMAGE, 'true'], { env: { ...baseEnv, DOCKER_HOST: host }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cli.join(' ')} run failed (${r.status}): ${r.stderr.trim()}`);
  return ms;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main() {
  spawnSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'bench-run-'));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  let berthHost = process.env.BERTH_HOST;
  if (!berthHost) {
    const root = mkdtempSync(join(tmpdir(), 'bench-berthd-'));
    const sock = join(root, 'berth.sock');
    berthHost = await startEngine('berthd', [process.execPath, join(REPO, 'dist/berthd.js'), '--data-root', join(root, 'data'), '--exec-root', join(root, 'run'), '-H', `unix://${sock}`], sock, root);
  }
  let dockerHost = process.env.DOCKER_BENCH_HOST;
  if (!dockerHost && spawnSync('which', ['dockerd']).status === 0) {
    const root = mkdtempSync(join(tmpdir(), 'bench-dockerd-'));
    const sock = join(root, 'docker.sock');
    dockerHost = await startEngine('dockerd', ['dockerd', '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${sock}`,
      '--pidfile', join(root, 'pid'), '--iptables=false', '--ip6tables=false', '--bridge=none'], sock, root);
  }
  const hasDockerCli = spawnSync('which', ['docker']).status === 0;
  const tar = busyboxTar(work);
  const engines = { berthd: berthHost, dockerd: dockerHost };
  for (const [name, host] of Object.entries(engines)) {
    if (!host) { console.log(`# ${name}: not available`); continue; }
    const r = spawnSync(process.execPath, [BERTH, 'import', '--change', 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin', tar, IMAGE], { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
    if (r.status !== 0) { console.log(`# ${name}: image import failed: ${r.stderr.trim()}`); engines[name] = undefined; }
  }
  const cases = [
    ['berth CLI -> berthd', [process.execPath, BERTH], engines.berthd],
    ['docker CLI -> dockerd', ['docker'], hasDockerCli ? engines.dockerd : undefined],
    ['docker CLI -> berthd', ['docker'], hasDockerCli ? engines.berthd : undefined],
    ['berth CLI -> dockerd', [process.execPath, BERTH], engines.dockerd],
    ...(process.env.NODE_EXTRA_CA_CERTS ? [['berth CLI -> berthd (no extra CA)', [process.execPath, BERTH], engines.berthd, envWithout('NODE_EXTRA_CA_CERTS')]] : []),
  ];
  const results = {};
  for (const [label, cli, host, env] of cases) {
    if (!host) { console.log(`${label.padEnd(24)} skipped (engine or CLI missing)`); continue; }
    try {
      timeRun(cli, host, env); timeRun(cli, host, env); // warm caches
      const samples = [];
      for (let i = 0; i < RUNS; i++) samples.push(timeRun(cli, host, env));
      results[label] = median(samples);
      console.log(`${label.padEnd(24)} median ${results[label].toFixed(1).padStart(7)} ms  (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, n=${RUNS})`);
    } catch (e) {
      console.log(`${label.padEnd(24)} failed: ${e.message.split('\n')[0]}`);
    }
  }
  const ratio = (a, b) => (results[a] && results[b] ? `${(results[b] / results[a]).toFixed(2)}x` : 'n/a');
  console.log(`\nberth run --rm vs docker run --rm (each on its own engine): ${ratio('berth CLI -> berthd', 'docker CLI -> dockerd')} faster (goal >= 3x)`);
  console.log(`docker CLI: berthd vs dockerd: ${ratio('docker CLI -> berthd', 'docker CLI -> dockerd')} faster (goal >= 5x)`);
  console.log(`berth CLI vs docker CLI, both on dockerd: ${ratio('berth CLI -> dockerd', 'docker CLI -> dockerd')} faster`);
  if (results['berth CLI -> berthd (no extra CA)']) console.log(`berth run --rm without NODE_EXTRA_CA_CERTS vs docker run --rm: ${ratio('berth CLI -> berthd (no extra CA)', 'docker CLI -> dockerd')} faster`);
  console.log(`(load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
