// ExecService: processes run inside a running container with `conmon --exec` (as Podman does), so an
// exec also gets a pty when asked, a log of its output and an exit file. The exit code is recorded
// (and get() shows it) before the session's streams end.
import { mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { watch } from 'node:fs';
import { join } from 'node:path';
import type { ExecService } from '../contract.js';
import type { ExecRecord, ExecSpec, StdioSession } from '../types.js';
import { conflict, notFound } from '../../common/errors.js';
import { newId } from './names.js';
import type { Lifecycle } from './lifecycle.js';
import { launchConmon } from '../runtime/conmon.js';
import { resolveUser } from '../runtime/user.js';
import { resolveCapabilities } from '../runtime/capabilities.js';
import { resizeTerminal } from '../runtime/terminal.js';
import { consoleSize } from '../runtime/bundle.js';
import { openSession } from './stdio-session.js';
import { readLog } from '../runtime/k8s-log.js';

function mergeEnv(base: string[], over: string[]): string[] {
  const m = new Map<string, string>();
  for (const e of [...base, ...over]) m.set(e.split('=')[0], e);
  return [...m.values()];
}

/** Waits for conmon's exit file of an exec (named by the container id in the exec's own exit dir). */
function waitExitFile(file: string, dir: string): { promise: Promise<number>; cancel: () => void } {
  let done = false;
  let cancel = () => undefined as void;
  const promise = new Promise<number>((resolve) => {
    const check = async () => {
      if (done) return;
      const t = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (t === '' || done) return;
      done = true;
      watcher.close();
      clearInterval(timer);
      resolve(Number(t));
    };
    const watcher = watch(dir, () => { void check(); });
    const timer = setInterval(() => { void check(); }, 500);
    cancel = () => { done = true; watcher.close(); clearInterval(timer); resolve(-1); };
    void check();
  });
  return { promise, cancel };
}

export class Execs implements ExecService {
  private readonly execs = new Map<string, ExecRecord & { dir?: string }>();

  constructor(private readonly lc: Lifecycle) {}

  private find(execId: string): ExecRecord & { dir?: string } {
    const e = this.execs.get(execId);
    if (!e) throw notFound(`No such exec instance: ${execId}`);
    return e;
  }

  async create(containerId: string, spec: ExecSpec): Promise<string> {
    const rec = this.lc.find(containerId);
    if (rec.state.status === 'paused') throw conflict(`Container ${rec.id} is paused, unpause the container before exec`);
    if (!this.lc.isRunning(rec)) throw conflict(`Container ${rec.id} is not running`);
    // Exec records live as long as their container (as Docker's do).
    for (const [k, e] of this.execs) if (!this.lc.records.has(e.containerId)) this.execs.delete(k);
    const id = newId();
    this.execs.set(id, { id, containerId: rec.id, spec, running: false, exitCode: null, pid: 0 });
    this.lc.publish(`exec_create: ${spec.cmd.join(' ')}`, rec, { execID: id });
    return id;
  }

  activeIdsOf(containerId: string): string[] {
    const out: string[] = [];
    for (const e of this.execs.values()) if (e.containerId === containerId && e.exitCode === null) out.push(e.id);
    return out;
  }

  async get(execId: string): Promise<ExecRecord> {
    const { dir: _dir, ...rec } = this.find(execId);
    return structuredClone(rec);
  }

  async start(execId: string, opts: { detach: boolean; tty: boolean; consoleSize?: [number, number] }): Promise<StdioSession | null> {
    const ex = this.find(execId);
    const tty = opts.tty || ex.spec.tty;
    const wantStdin = ex.spec.attachStdin && !opts.detach;
    const { dir, logPath, exited } = await this.launch(ex, tty, wantStdin, opts.consoleSize);
    if (opts.detach) {
      void exited.then(() => rm(dir, { recursive: true, force: true }));
      return null;
    }
    const session = await openSession({
      logPath, fromStart: true, stream: true, wantStdout: ex.spec.attachStdout, wantStderr: ex.spec.attachStderr,
      over: exited, started: Promise.resolve(),
      resize: (cols, rows) => this.resize(execId, cols, rows),
      onClose: () => { void exited.then(() => rm(dir, { recursive: true, force: true })); },
    }, wantStdin ? { path: join(this.lc.paths.socketDir, execId.slice(0, 24), 'attach'), connectNow: true, register: () => undefined } : undefined);
    return session;
  }

  /**
   * Runs a command to its end inside a running container and returns its exit code and combined
   * output (at most `maxOutput` bytes kept): the health probes' exec. After `timeoutMs` the process
   * is killed and `timedOut` is set. It leaves no exec record behind.
   */
  async runToEnd(containerId: string, cmd: string[], timeoutMs: number, maxOutput: number): Promise<{ exitCode: number; output: Buffer; truncated: boolean; timedOut: boolean }> {
    const execId = await this.create(containerId, { cmd, env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, privileged: false });
    const ex = this.find(execId);
    let timedOut = false;
    let dir: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    try {
      const launched = await this.launch(ex, false, false);
      dir = launched.dir;
      killTimer = setTimeout(() => {
        timedOut = true;
        try { process.kill(ex.pid, 'SIGKILL'); } catch { /* already gone */ }
        // A monitor that never writes the exit file must not hold the probe loop forever.
        giveUp = setTimeout(() => launched.cancel(), 5000);
      }, timeoutMs);
      await launched.exited;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const line of readLog(launched.logPath, { follow: false, raw: true })) {
        const room = maxOutput - size;
        if (line.data.length > room) truncated = true;
        if (room <= 0) continue;
        const part = line.data.subarray(0, room);
        chunks.push(part);
        size += part.length;
      }
      return { exitCode: ex.exitCode ?? -1, output: Buffer.concat(chunks), truncated, timedOut };
    } finally {
      clearTimeout(killTimer);
      clearTimeout(giveUp);
      this.execs.delete(execId);
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Starts an exec's process under its own conmon; `exited` settles once its exit code is recorded. */
  private async launch(ex: ExecRecord & { dir?: string }, tty: boolean, wantStdin: boolean, size?: [number, number]): Promise<{ dir: string; logPath: string; exited: Promise<void>; cancel: () => void }> {
    const execId = ex.id;
    if (ex.running || ex.exitCode !== null) throw conflict(`Exec ${execId} has already been started`);
    const rec = this.lc.find(ex.containerId);
    if (!this.lc.isRunning(rec)) throw conflict(`Container ${rec.id} is not running`);
    const dir = this.lc.paths.execDir(rec.id, execId);
    const exitDir = join(dir, 'exit');
    await mkdir(join(dir, 'persist'), { recursive: true });
    await mkdir(exitDir, { recursive: true });
    const user = await resolveUser(rec.rootfsPath, ex.spec.user || rec.effective.user, rec.spec.host.groupAdd ?? []);
    const caps = resolveCapabilities({ privileged: ex.spec.privileged || rec.spec.host.privileged, capAdd: rec.spec.host.capAdd, capDrop: rec.spec.host.capDrop });
    const processSpec = {
      terminal: tty,
      ...consoleSize(tty, size ?? ex.spec.consoleSize),
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args: ex.spec.cmd,
      env: mergeEnv(rec.effective.env, ex.spec.env),
      cwd: ex.spec.workingDir || rec.effective.workingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [] },
      noNewPrivileges: rec.spec.host.securityOpt.some((o) => /^no-new-privileges(?:[=:]true)?$/.test(o)),
    };
    const specFile = join(dir, 'process.json');
    await writeFile(specFile, JSON.stringify(processSpec));
    const logPath = join(dir, 'log');
    const exitFile = waitExitFile(join(exitDir, rec.id), exitDir);
    ex.dir = dir;
    let pid: number;
    try {
      ({ pid } = await launchConmon({
        runtime: this.lc.ctx.runtime, containerId: rec.id, sessionId: execId.slice(0, 24), name: rec.name, bundleDir: dir,
        pidFile: join(dir, 'pid'), conmonPidFile: join(dir, 'conmon.pid'), exitDir, persistDir: join(dir, 'persist'),
        socketDir: this.lc.paths.socketDir, logPath, terminal: tty, stdin: wantStdin, leaveStdinOpen: false, execProcessSpec: specFile, command: ex.spec.cmd[0],
      }));
    } catch (e) {
      exitFile.cancel();
      await rm(dir, { recursive: true, force: true });
      // Docker's exit code for an exec whose process could not be started (not found, not executable).
      ex.exitCode = 126;
      throw e;
    }
    Object.assign(ex, { running: true, pid });
    this.lc.publish(`exec_start: ${ex.spec.cmd.join(' ')}`, rec, { execID: execId });
    // The exit code is recorded first; the session's streams end after, once the log is drained.
    const exited = exitFile.promise.then((code) => {
      Object.assign(ex, { running: false, exitCode: code, pid: 0 });
      this.lc.publish('exec_die', rec, { execID: execId, exitCode: String(code) });
    });
    return { dir, logPath, exited, cancel: exitFile.cancel };
  }

  async resize(execId: string, cols: number, rows: number): Promise<void> {
    const ex = this.find(execId);
    if (!ex.running || !ex.dir) throw conflict(`Exec ${execId} is not running`);
    if (!ex.spec.tty) return;
    await resizeTerminal(ex.dir, cols, rows);
  }
}
