// A private Docker engine for the benchmark: its own containerd (own config, root, state and
// sockets) and a dockerd on top of it (own data/exec roots, socket, cgroup parent; no iptables and
// no bridge unless `networking` is asked for), all under one temp dir, so no system daemon or state
// is ever touched. stop() removes everything it made: containers, shims, daemons, mounts, cgroups,
// the temp dir, and with networking its bridge and the iptables chains and rules dockerd added.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ping, cleanupRoot } from '../../test/helpers/daemon.js';
import { pidsOf } from './memory.js';

export interface DockerEngine {
  host: string;
  root: string;
  /** dockerd, containerd and every containerd-shim of this engine. */
  pids(): number[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const dockerInstalled = () => spawnSync('which', ['dockerd', 'containerd']).status === 0;

function start(argv: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function halt(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(graceMs)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await gone;
  }
}

/** Removes the cgroup directories named `name` (and their children) in every v1/v2 hierarchy. */
function removeCgroups(name: string): void {
  const hierarchies = readdirSync('/sys/fs/cgroup').map((h) => join('/sys/fs/cgroup', h));
  for (const h of [...hierarchies, '/sys/fs/cgroup']) {
    const dir = join(h, name);
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      try { rmdirSync(join(dir, child.name)); } catch { /* busy or gone */ }
    }
    try { rmdirSync(dir); } catch { /* busy or gone */ }
  }
}

export interface DockerEngineOptions {
  /**
   * Docker's own networking (bench/network): a bridge of ours for the default network, iptables on,
   * the userland proxy as by default, user networks from `addressPool`. Without it: --bridge=none.
   */
  networking?: { addressPool: string };
}

export async function startDockerEngine(opts: DockerEngineOptions = {}): Promise<DockerEngine> {
  const root = mkdtempSync(join(tmpdir(), 'bench-docker-'));
  const net = opts.networking ? await dockerNetworking(opts.networking.addressPool) : undefined;
  const ctrSock = join(root, 'containerd.sock');
  const dockerSock = join(root, 'docker.sock');
  const cgroupParent = `bench-${basename(root)}`;
  writeFileSync(join(root, 'containerd.toml'), [
    'version = 2',
    `root = "${join(root, 'containerd-root')}"`,
    `state = "${join(root, 'containerd-state')}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${ctrSock}"`,
    '[ttrpc]', `  address = "${ctrSock}.ttrpc"`,
    '[debug]', '  address = ""',
    '[metrics]', '  address = ""', '',
  ].join('\n'));
  let containerd: ChildProcess | undefined;
  let dockerd: ChildProcess | undefined;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (dockerd && existsSync(dockerSock)) {
      const ids = spawnSync('docker', ['-H', `unix://${dockerSock}`, 'ps', '-aq'], { encoding: 'utf8', timeout: 20_000 }).stdout?.split('\n').filter(Boolean) ?? [];
      if (ids.length) spawnSync('docker', ['-H', `unix://${dockerSock}`, 'rm', '-f', ...ids], { stdio: 'ignore', timeout: 60_000 });
    }
    await halt(dockerd, 15_000);
    await halt(containerd, 10_000);
    // Shims outlive containerd by design; theirs name our socket. cleanupRoot then kills whatever
    // else names the root (runc state lives under dockerd's exec root) and unmounts under it.
    for (const pid of pidsOf('containerd-shim-runc-v2', ctrSock)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    cleanupRoot(root);
    removeCgroups(cgroupParent);
    net?.remove();
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    containerd = start(['containerd', '--config', join(root, 'containerd.toml')], join(root, 'containerd.log'));
    await waitFor(() => existsSync(ctrSock), containerd, 'containerd', root);
    dockerd = start(['dockerd', '--containerd', ctrSock, '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'),
      '-H', `unix://${dockerSock}`, '--pidfile', join(root, 'docker.pid'), ...(net?.args ?? ['--iptables=false', '--ip6tables=false', '--bridge=none']),
      '--exec-opt', 'native.cgroupdriver=cgroupfs', '--cgroup-parent', `/${cgroupParent}`], join(root, 'dockerd.log'));
    await waitFor(async () => existsSync(dockerSock) && (await ping(dockerSock)), dockerd, 'dockerd', root);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    host: `unix://${dockerSock}`,
    root,
    pids: () => [dockerd?.pid ?? 0, containerd?.pid ?? 0, ...pidsOf('containerd-shim-runc-v2', ctrSock)].filter(Boolean),
    stop,
  };
}

async function waitFor(ready: () => boolean | Promise<boolean>, child: ChildProcess, name: string, root: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(join(root, `${name}.log`)) ? readFileSync(join(root, `${name}.log`), 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      throw new Error(`${name} did not start:\n${log}`);
    }
    await sleep(100);
  }
}

/**
 * The host side of a networked dockerd: a bridge of our own (dockerd only creates `docker0`, which a
 * system Docker may own) and, at removal, the bridge and what dockerd added to iptables (it leaves its
 * DOCKER* chains and rules behind at exit): the rules naming our bridge always, the DOCKER chains
 * only when none existed before and no other dockerd runs, so another dockerd's rules are never touched. bridge-nf-call-iptables is put back as it was.
 */
async function dockerNetworking(addressPool: string): Promise<{ args: string[]; remove(): void }> {
  const name = `bbr${Math.random().toString(16).slice(2, 8)}`;
  const subnet = `10.251.${Math.floor(Math.random() * 250) + 1}`;
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const hadDockerChains = /DOCKER/.test(run(['iptables-save']).stdout ?? '');
  const nfFile = '/proc/sys/net/bridge/bridge-nf-call-iptables';
  const nfBefore = existsSync(nfFile) ? readFileSync(nfFile, 'utf8').trim() : undefined;
  for (const argv of [['ip', 'link', 'add', name, 'type', 'bridge'], ['ip', 'addr', 'add', `${subnet}.1/24`, 'dev', name], ['ip', 'link', 'set', name, 'up']]) {
    const r = run(argv);
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim()}`);
  }
  return {
    args: ['--bridge', name, '--iptables=true', '--ip6tables=false', '--default-address-pool', `base=${addressPool},size=24`],
    remove() {
      run(['ip', 'link', 'delete', name]);
      // Another dockerd still running (another bench) uses the DOCKER chains: then only our bridge's rules go.
      const dropChains = !hadDockerChains && run(['pgrep', '-x', 'dockerd']).status !== 0;
      for (const table of ['filter', 'nat']) {
        const saved = run(['iptables-save', '-t', table]).stdout ?? '';
        const kept = saved.split('\n').filter((l) => !(dropChains && /DOCKER/.test(l)) && !l.includes(name)).join('\n');
        spawnSync('iptables-restore', ['-T', table], { input: kept });
      }
      if (nfBefore !== undefined) { try { writeFileSync(nfFile, nfBefore); } catch { /* module gone */ } }
    },
  };
}
