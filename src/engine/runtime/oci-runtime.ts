// Drives an OCI runtime binary (runc or crun) through its CLI with a per-daemon --root, so several
// daemons never see each other's containers. `probeRuntime` picks one that can start a container here.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, rm, writeFile, mkdtemp, symlink, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { internal, notFound } from '../../common/errors.js';
import { startThroughExecFifo } from './exec-fifo.js';
import { toolAgent } from '../host/tool-agent.js';

const execFileP = promisify(execFile);

export type RuntimeName = 'runc' | 'crun';

export interface RuntimeState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'paused' | 'stopped'; bundle: string }

export const RUNTIME_PATHS: Record<RuntimeName, string[]> = {
  runc: ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'],
  crun: ['/usr/bin/crun', '/usr/local/bin/crun'],
};

export function findRuntimeBinary(name: RuntimeName): string | undefined {
  return RUNTIME_PATHS[name].find((p) => existsSync(p));
}

export class OciRuntime {
  /**
   * `binary` creates containers (conmon runs it) and updates their cgroups; `plainBinary` does the
   * rest (start, kill, delete, state, pause, exec through conmon). They differ only for crun on a
   * hybrid host: the wrapper is needed where crun sets up cgroups, and costs a Perl start-up and a
   * mount namespace per call where it does not (chooseRuntime checks that plain crun copes).
   * `fifoStart`: start releases the init through its exec fifo (exec-fifo.ts) instead of running
   * `crun start` (chooseRuntime checks that this crun starts so).
   */
  constructor(readonly name: RuntimeName, readonly binary: string, readonly root: string, readonly plainBinary = binary, readonly fifoStart = false) {}

  /** Arguments every call starts with (the daemon's own state root). */
  get globalArgs(): string[] { return ['--root', this.root]; }

  private async run(args: string[], binary = this.plainBinary): Promise<string> {
    try {
      const { stdout } = await execFileP(binary, [...this.globalArgs, ...args], { maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw this.failure(args, err.stderr ?? '', err.message);
    }
  }

  /**
   * A command whose output is not wanted (delete, kill, ...): run by the tool helper where there
   * is one, so berthd is not forked for it (2-8 ms of its only thread per process, by its size).
   */
  private async runQuiet(args: string[], binary = this.plainBinary): Promise<void> {
    const agent = toolAgent();
    if (!agent.available) { await this.run(args, binary); return; }
    const r = await agent.run([binary, ...this.globalArgs, ...args], {});
    if (r.code !== 0) throw this.failure(args, r.stderr, `exit status ${r.code}`);
  }

  private failure(args: string[], stderr: string, fallback: string): Error {
    const msg = stderr.trim().split('\n').pop() ?? fallback;
    const clean = msg.replace(/^time="[^"]*" level=\w+ msg="?/, '').replace(/"$/, '');
    if (/does not exist|not found/i.test(clean)) return notFound(`${this.name}: ${clean}`);
    return internal(`${this.name} ${args[0]}: ${clean || fallback}`);
  }

  async start(id: string): Promise<void> {
    if (this.fifoStart) await startThroughExecFifo(this.root, id);
    else await this.runQuiet(['start', id]);
  }
  async kill(id: string, signal: string): Promise<void> { await this.runQuiet(['kill', id, signal.replace(/^SIG/, '')]); }
  async pause(id: string): Promise<void> { await this.runQuiet(['pause', id]); }
  async resume(id: string): Promise<void> { await this.runQuiet(['resume', id]); }
  async delete(id: string, force = true): Promise<void> {
    try { await this.runQuiet(['delete', ...(force ? ['--force'] : []), id]); } catch (e) { if (!(e instanceof Error && 'kind' in e && e.kind === 'not_found')) throw e; }
  }
  async state(id: string): Promise<RuntimeState | undefined> {
    try { return JSON.parse(await this.run(['state', id])) as RuntimeState; } catch { return undefined; }
  }
  async list(): Promise<RuntimeState[]> {
    const out = await this.run(['list', '--format', 'json']);
    return (JSON.parse(out || 'null') as RuntimeState[] | null) ?? [];
  }
  async update(id: string, resourcesJson: string, dir: string): Promise<void> {
    const file = join(dir, 'update-resources.json');
    await writeFile(file, resourcesJson);
    await this.runQuiet(['update', '--resources', file, id], this.binary);
  }
}

/** A throwaway bundle: an empty root with the host's /usr bound in read-only, running `args`. */
async function writeProbeBundle(dir: string, args: string[]): Promise<void> {
  for (const d of ['rootfs/usr', 'rootfs/proc', 'rootfs/dev']) await mkdir(join(dir, d), { recursive: true });
  for (const l of ['bin', 'lib', 'lib64']) await symlink(`usr/${l}`, join(dir, 'rootfs', l));
  const config = {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/usr/bin'], cwd: '/' },
    root: { path: 'rootfs', readonly: true },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }, { destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro'] }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }] },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}

/** Starts the host's `true` in a throwaway bundle: an empty root with the host's /usr bound in read-only. */
async function canRun(name: RuntimeName, binary: string, workDir: string): Promise<boolean> {
  const dir = await mkdtemp(join(workDir, `probe-${name}-`));
  const root = join(dir, 'state');
  const id = `berth-probe-${process.pid}-${Date.now()}`;
  try {
    await writeProbeBundle(dir, ['/usr/bin/true']);
    await execFileP(binary, ['--root', root, 'run', '--bundle', dir, id], { timeout: 10000 });
    return true;
  } catch {
    return false;
  } finally {
    await execFileP(binary, ['--root', root, 'delete', '--force', id]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What berthd may do with a container `creator` (crun, or the hybrid-host wrapper) created:
 * `plain` — crun itself (no wrapper) drives it: start, exec, kill, delete. crun 1.8 refuses hybrid
 * hosts only where it sets up cgroups (create); the other commands read the cgroup paths from the
 * container's state. `fifoStart` — releasing the init through its exec fifo (exec-fifo.ts) starts
 * the process (its command line turns into the bundle's). Checked, not assumed, on each daemon start.
 */
async function probeCrunDriving(creator: string, crun: string, workDir: string): Promise<{ plain: boolean; fifoStart: boolean }> {
  const dir = await mkdtemp(join(workDir, 'probe-crun-plain-'));
  const root = join(dir, 'state');
  const id = `berth-probe-plain-${process.pid}-${Date.now()}`;
  const run = (binary: string, args: string[]) => execFileP(binary, ['--root', root, ...args], { timeout: 10000 });
  let fifoStart = false;
  try {
    await writeProbeBundle(dir, ['/usr/bin/sleep', '10']);
    // The container's process inherits create's stdio: not pipes we would wait on until it ends.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(creator, ['--root', root, 'create', '--bundle', dir, id], { stdio: 'ignore', timeout: 10000 });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`crun create exited ${code}`))));
    });
    const { pid } = JSON.parse((await run(crun, ['state', id])).stdout) as RuntimeState;
    fifoStart = await startThroughExecFifo(root, id).then(() => runsCommand(pid, '/usr/bin/sleep'), () => false);
    if (!fifoStart) await run(crun, ['start', id]);
    await run(crun, ['exec', id, '/usr/bin/true']);
    await run(crun, ['kill', id, 'KILL']);
    for (let i = 0; i < 100; i++) {
      const st = JSON.parse((await run(crun, ['state', id])).stdout) as RuntimeState;
      if (st.status === 'stopped') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await run(crun, ['delete', id]);
    return { plain: true, fifoStart };
  } catch {
    return { plain: false, fifoStart };
  } finally {
    await execFileP(creator, ['--root', root, 'delete', '--force', id]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether process `pid` runs `command` within a second (the released init execs it). */
async function runsCommand(pid: number, command: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0];
    if (argv0 === command) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** A cgroup v1 host with a cgroup2 hierarchy mounted beside (systemd's "hybrid" layout). */
export function isHybridCgroupHost(): boolean {
  return !existsSync('/sys/fs/cgroup/cgroup.controllers') && existsSync('/sys/fs/cgroup/unified/cgroup.controllers');
}

/** unshare, mount, umount2 by architecture (for the Perl wrapper below). */
const SYSCALLS: Partial<Record<string, [number, number, number]>> = { x64: [272, 165, 166], arm64: [97, 40, 39] };

/**
 * crun 1.8 refuses hybrid hosts because the unified hierarchy holds a controller (hugetlb here).
 * This wrapper runs it in a private mount namespace where an empty tmpfs covers that hierarchy, so
 * crun sees a plain cgroup v1 host; containers still get their v1 cgroups under the same paths.
 * Covered, not unmounted: crun also makes the process's "unified" cgroup directory, and with the
 * hierarchy unmounted that went into the host's /sys/fs/cgroup tmpfs, hidden under the cgroup2
 * mount and never removed (a directory and a page per container); this tmpfs ends with the call. A fresh
 * namespace per call (a slave of the host's), so every mount the host has at that moment is there.
 * It is a Perl script (perl-base is Essential on Debian): one process that unshares, unmounts and
 * execs crun, ~10 ms less per runtime call than unshare + sh + umount (docs/runtime.md).
 */
async function writeHybridWrapper(dir: string, crun: string): Promise<string> {
  const file = join(dir, 'crun-hybrid');
  const nr = SYSCALLS[process.arch];
  const script = nr && existsSync('/usr/bin/perl') ? `#!/usr/bin/perl
# berthd: crun with the cgroup2 'unified' hierarchy hidden (hybrid cgroup host). See docs/runtime.md.
my ($root, $none, $unified, $tmpfs, $crun) = ('/', 'none', '/sys/fs/cgroup/unified', 'tmpfs', '${crun}');
syscall(${nr[0]}, 0x00020000) == 0 or die "crun-hybrid: unshare: $!\\n";                    # CLONE_NEWNS
syscall(${nr[1]}, $none, $root, 0, 0x80000 | 0x4000, 0) == 0 or die "crun-hybrid: mount: $!\\n"; # MS_SLAVE | MS_REC
syscall(${nr[1]}, $tmpfs, $unified, $tmpfs, 0xe, 0) == 0 or die "crun-hybrid: mount: $!\\n"; # MS_NOSUID|MS_NODEV|MS_NOEXEC
# crun guards its binary (CVE-2019-5736) by re-executing itself from a read-only bind mount of it,
# unless it already runs from a read-only mount and this variable is set: made here, in this
# namespace, it costs two mount calls instead of a second exec and dynamic link (~2 ms).
if (syscall(${nr[1]}, $crun, $crun, 0, 0x1000, 0) == 0 && syscall(${nr[1]}, $none, $crun, 0, 0x1021, 0) == 0) { # MS_BIND; MS_REMOUNT|MS_BIND|MS_RDONLY
  $ENV{_LIBCONTAINER_CLONED_BINARY} = '1';
}
exec { $crun } 'crun', @ARGV or die "crun-hybrid: exec $crun: $!\\n";
` : `#!/bin/sh
# berthd: crun with the cgroup2 'unified' hierarchy hidden (hybrid cgroup host). See docs/runtime.md.
exec unshare -m --propagation slave sh -c 'mount -t tmpfs -o nosuid,nodev,noexec tmpfs /sys/fs/cgroup/unified && exec "$0" "$@"' ${crun} "$@"
`;
  await writeFile(file, script, { mode: 0o755 });
  return file;
}

export interface ChosenRuntime {
  name: RuntimeName;
  /** What creates containers (and updates cgroups): the runtime, or the hybrid-host wrapper. */
  binary: string;
  /** What runs every other runtime command (OciRuntime.plainBinary); `binary` when absent. */
  plainBinary?: string;
  /** Start through the exec fifo instead of `crun start` (OciRuntime.fifoStart). */
  fifoStart?: boolean;
  available: RuntimeName[];
  warnings: string[];
  note?: string;
}

/** Picks the runtime: the one asked for, or with 'auto' crun if it can start a container here, else runc. */
export async function chooseRuntime(wanted: 'auto' | RuntimeName, workDir: string): Promise<ChosenRuntime> {
  const warnings: string[] = [];
  const available = (['crun', 'runc'] as RuntimeName[]).filter((n) => findRuntimeBinary(n));
  await mkdir(workDir, { recursive: true });
  // On a hybrid host crun runs through the wrapper (writeHybridWrapper). Measured here
  // (docs/runtime.md), crun that way, with the seccomp program cache (seccomp-cache.ts), starts
  // containers well ahead of runc, so auto takes it too.
  const tryCrun = async (): Promise<ChosenRuntime | undefined> => {
    const binary = findRuntimeBinary('crun');
    if (!binary) return undefined;
    if (await canRun('crun', binary, workDir)) {
      const { fifoStart } = await probeCrunDriving(binary, binary, workDir);
      return { name: 'crun', binary, fifoStart, available, warnings };
    }
    if (isHybridCgroupHost()) {
      const wrapper = await writeHybridWrapper(workDir, binary);
      if (await canRun('crun', wrapper, workDir)) {
        const driving = await probeCrunDriving(wrapper, binary, workDir);
        const plainBinary = driving.plain ? binary : undefined;
        return {
          name: 'crun', binary: wrapper, plainBinary, fifoStart: driving.fifoStart, available, warnings,
          note: `crun ${plainBinary ? 'creates containers' : 'runs'} in a mount namespace without the cgroup2 unified hierarchy (cgroup v1 hybrid host)`,
        };
      }
    }
    warnings.push('crun cannot start containers on this host; not used');
    return undefined;
  };
  if (wanted === 'crun' || wanted === 'auto') {
    const c = await tryCrun();
    if (c) return c;
    if (wanted === 'crun') throw internal(`OCI runtime crun ${findRuntimeBinary('crun') ? 'cannot start containers on this host' : 'is not installed'}`);
  }
  const binary = findRuntimeBinary('runc');
  if (!binary) throw internal(wanted === 'runc' ? 'OCI runtime runc is not installed' : 'no OCI runtime (crun or runc) can start a container on this host');
  if (wanted === 'auto' && !(await canRun('runc', binary, workDir))) throw internal('no OCI runtime (crun or runc) can start a container on this host');
  return { name: 'runc', binary, available, warnings };
}
