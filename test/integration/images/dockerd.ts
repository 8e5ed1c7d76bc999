// A throwaway Docker engine (Debian's docker.io) for compatibility tests: its own containerd,
// data root, exec root and socket under /tmp, no iptables, no bridge. Stopped by the caller; its
// stop() also unmounts what is left under that directory and removes it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, writeFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupDir } from './helpers.js';

export interface Dockerd { dir: string; host: string; docker(args: string[], input?: Buffer): Buffer; stop(): Promise<void> }

export function dockerdAvailable(): string | null {
  for (const bin of ['dockerd', 'containerd', 'docker']) {
    try { execFileSync('which', [bin], { stdio: 'ignore' }); } catch { return `${bin} is not installed`; }
  }
  return null;
}

function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.once('exit', () => { clearTimeout(timer); resolve(); });
    p.kill('SIGTERM');
  });
}

export async function startDockerd(): Promise<Dockerd> {
  // Short path: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync('/tmp/bd-');
  writeFileSync(join(dir, 'daemon.json'), '{}');
  writeFileSync(join(dir, 'containerd.toml'), '');
  const log = openSync(join(dir, 'daemons.log'), 'a');
  const ctdSock = join(dir, 'ctd.sock');
  const procs: ChildProcess[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopProcess(p);
    closeSync(log);
    cleanupDir(dir);
  };
  try {
    procs.push(spawn('containerd', ['--config', join(dir, 'containerd.toml'), '--address', ctdSock, '--root', join(dir, 'ctd-root'), '--state', join(dir, 'ctd-state')], { stdio: ['ignore', log, log] }));
    await waitFor(() => existsSync(ctdSock), 'containerd');
    const host = `unix://${join(dir, 'd.sock')}`;
    procs.push(spawn('dockerd', [
      '--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
      '-H', host, '--pidfile', join(dir, 'd.pid'), '--containerd', ctdSock, '--iptables=false', '--ip-masq=false', '--bridge=none',
    ], { stdio: ['ignore', log, log] }));
    const docker = (args: string[], input?: Buffer) => execFileSync('docker', ['-H', host, ...args], { input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
    await waitFor(() => { try { docker(['version']); return true; } catch { return false; } }, 'dockerd');
    return { dir, host, docker, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitFor(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start within 30 s`);
}
