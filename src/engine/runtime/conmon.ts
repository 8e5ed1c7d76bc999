// Launches one conmon per container (or exec): it runs `runtime create`/`exec`, owns the process's
// stdio, writes the k8s-file log and the exit file, and outlives berthd (it daemonizes itself).
// The sync pipe (_OCI_SYNCPIPE) tells us the container's pid or why creation failed.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { internal, failedPrecondition, invalidArgument } from '../../common/errors.js';
import type { OciRuntime } from './oci-runtime.js';
import { hostAgent } from './host-agent.js';
import { ownCgroupProcs } from './cgroups.js';

export const CONMON_PATHS = ['/usr/bin/conmon', '/usr/libexec/podman/conmon', '/usr/local/bin/conmon'];

export function findConmon(): string {
  const p = CONMON_PATHS.find((x) => existsSync(x));
  if (!p) throw failedPrecondition('conmon is not installed (apt-get install conmon)');
  return p;
}

export interface ConmonLaunch {
  runtime: OciRuntime;
  containerId: string;
  /** The session id: the container id, or the exec id for an exec. */
  sessionId: string;
  name: string;
  bundleDir: string;
  pidFile: string;
  conmonPidFile: string;
  exitDir: string;
  persistDir: string;
  socketDir: string;
  logPath: string;
  logSizeMax?: number;
  terminal: boolean;
  stdin: boolean;
  leaveStdinOpen: boolean;
  /** For an exec: the process.json to run in the container. */
  execProcessSpec?: string;
  /** The process's argv[0], to word crun's failures as runc's (which the docker CLI reads). */
  command?: string;
}

/**
 * crun words a failed exec differently from runc; the docker CLI picks its exit code (127, 126)
 * from runc's words, and Docker users know them: crun's are rewritten into runc's.
 */
export function asRuncWords(text: string, command = ''): string {
  const notFound = /executable file `([^`]*)` not found in \$PATH(?:: No such file or directory)?/.exec(text);
  if (notFound) {
    const cmd = notFound[1];
    return `unable to start container process: exec: "${cmd}": ${cmd.includes('/') ? `stat ${cmd}: no such file or directory` : 'executable file not found in $PATH'}`;
  }
  if (/^open executable: (Permission denied|Operation not permitted)$/.test(text)) return `unable to start container process: exec: "${command}": permission denied`;
  return text;
}

function conmonArgs(o: ConmonLaunch): string[] {
  const args = [
    // An exec needs no cgroup set-up: the plain runtime (see OciRuntime.plainBinary).
    '--api-version', '1', '-c', o.containerId, '-u', o.sessionId, '-r', o.execProcessSpec ? o.runtime.plainBinary : o.runtime.binary, '-b', o.bundleDir,
    '-p', o.pidFile, '-n', o.name, '--exit-dir', o.exitDir, '--persist-dir', o.persistDir,
    '--socket-dir-path', o.socketDir, '-l', `k8s-file:${o.logPath}`, '-P', o.conmonPidFile, '--log-level', 'error',
    // No fsync of the log between the process's death and the exit file (Docker's json-file log is
    // not synced either): the written log is in the page cache for every reader at once.
    '--no-sync-log',
  ];
  if (o.logSizeMax && o.logSizeMax > 0) args.push('--log-size-max', String(o.logSizeMax));
  for (const a of o.runtime.globalArgs) args.push('--runtime-arg', a);
  if (o.terminal) args.push('-t');
  if (o.stdin) args.push('-i');
  if (o.leaveStdinOpen) args.push('--leave-stdin-open');
  if (o.execProcessSpec) args.push('--exec', '--exec-process-spec', o.execProcessSpec);
  return args;
}

/** Reads the first JSON message from conmon's sync pipe (at its end without one, conmon's stderr says why). */
function readSyncMessage(pipe: Readable, errFile: string): Promise<{ data: number; message?: string }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const settle = (line: string | undefined) => {
      if (done) return;
      done = true;
      pipe.off('data', onData);
      try { resolve(syncMessage(line, errFile)); } catch (e) { reject(e as Error); }
      pipe.destroy();
    };
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) settle(buf.slice(0, nl));
    };
    pipe.on('data', onData);
    pipe.on('end', () => settle(undefined));
    pipe.on('error', reject);
  });
}

/** What conmon's sync pipe said, as readSyncMessage resolves or rejects. */
function syncMessage(line: string | undefined, errFile: string): { data: number; message?: string } {
  if (line === undefined) {
    let errText = '';
    try { errText = readFileSync(errFile, 'utf8'); } catch { /* none */ }
    const why = errText.split('\n').map((l) => l.replace(/^\[conmon:\w\]: /, '')).filter(Boolean).join('; ');
    throw internal(`conmon exited before the container was created${why ? `: ${why}` : ''}`);
  }
  try { return JSON.parse(line) as { data: number; message?: string }; } catch (e) { throw internal(`conmon: bad sync message ${line}`, {}, e); }
}

/** Where the host helper's warmer writes (see ownCgroupProcs); found once. */
let warmProcs: string | undefined;

/** conmon started by the host helper (a fork of it, not of berthd); the same set-up as spawn's below. */
async function launchThroughHelper(o: ConmonLaunch, errFile: string): Promise<{ data: number; message?: string }> {
  warmProcs ??= ownCgroupProcs();
  return syncMessage(await hostAgent().launch(o.bundleDir, errFile, [findConmon(), ...conmonArgs(o)], warmProcs), errFile);
}

/** Starts conmon; resolves with the container (or exec) process pid once the runtime created it. */
export async function launchConmon(o: ConmonLaunch): Promise<{ pid: number }> {
  // conmon's stderr goes to a file, not a pipe: it outlives berthd and must never meet a broken pipe.
  const errFile = join(o.bundleDir, 'conmon.err');
  const msg = hostAgent().available ? await launchThroughHelper(o, errFile) : await spawnConmon(o, errFile);
  if (msg.data < 0) {
    const raw = (msg.message ?? 'container create failed').trim().replace(/^time="[^"]*" level=\w+ msg="?/, '').replace(/"$/, '').replace(/\\"/g, '"');
    const text = o.runtime.name === 'crun' ? asRuncWords(raw, o.command) : raw;
    // Docker answers these as bad requests (the CLI then exits 127 or 126): the command is at fault.
    const userError = /executable file not found|no such file or directory|permission denied/i.test(text);
    throw (userError ? invalidArgument : internal)(`OCI runtime ${o.execProcessSpec ? 'exec' : 'create'} failed: ${text}`);
  }
  return { pid: msg.data };
}

/** conmon spawned by berthd itself (no host helper here). */
async function spawnConmon(o: ConmonLaunch, errFile: string): Promise<{ data: number; message?: string }> {
  const errFd = openSync(errFile, 'w');
  let child;
  try {
    child = spawn(findConmon(), conmonArgs(o), {
      stdio: ['ignore', 'ignore', errFd, 'pipe'],
      // conmon writes a bare "oom" file into its working directory when the container is OOM-killed.
      cwd: o.bundleDir,
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      detached: true,
    });
  } finally {
    closeSync(errFd);
  }
  child.unref();
  return readSyncMessage(child.stdio[3] as Readable, errFile);
}
