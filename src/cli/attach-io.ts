// Joins a hijacked attach/exec stream to this process's stdio: demultiplexes stdout/stderr (or
// copies raw TTY bytes), forwards stdin (raw mode for a TTY) and half-closes on stdin EOF,
// and keeps the remote TTY's size in step with ours (SIGWINCH).
import type { Writable } from 'node:stream';
import { demux, type EngineClient, type Hijacked } from '../api/client/index.js';
import { DetachWatcher, parseDetachKeys } from './detach-keys.js';

export interface AttachIO {
  tty: boolean;
  stdin: boolean;
  /** Called with (rows, columns) now and on every terminal resize, once the process runs. */
  resize?: (rows: number, cols: number) => Promise<void>;
  /** The detach sequence watched for on a TTY's stdin (docker's --detach-keys). */
  detachKeys?: string;
}

/** How the stream ended: the process's output closed, or the user typed the detach keys. */
export type PumpResult = 'closed' | 'detached';

async function write(out: Writable, data: Buffer): Promise<void> {
  if (!out.write(data)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/** Pumps until the daemon closes the output; resolves then (stdin is let go). */
export async function pumpStreams(h: Hijacked, io: AttachIO): Promise<PumpResult> {
  const stdin = process.stdin;
  const rawTTY = io.tty && io.stdin && stdin.isTTY === true;
  let stopStdin = () => {};
  let detached = false;
  if (io.stdin) {
    if (rawTTY) stdin.setRawMode(true);
    const watcher = io.tty ? new DetachWatcher(parseDetachKeys(io.detachKeys)) : undefined;
    const onData = (chunk: Buffer) => {
      let d = chunk;
      if (watcher) {
        const r = watcher.feed(chunk);
        d = r.forward;
        if (r.detach) {
          // Like docker: leave the process running and stop streaming.
          detached = true;
          if (d.length) h.socket.write(d);
          h.socket.destroy();
          return;
        }
      }
      if (d.length && !h.socket.write(d)) {
        stdin.pause();
        h.socket.once('drain', () => stdin.resume());
      }
    };
    // Our stdin ended: half-close so the process sees EOF, and keep reading its output.
    const onEnd = () => { if (h.upgraded) h.socket.end(); };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
    stopStdin = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (rawTTY) stdin.setRawMode(false);
      stdin.pause();
      stdin.unref?.();
    };
  }
  let stopResize = () => {};
  if (io.tty && io.resize && process.stdout.isTTY) {
    const send = () => void io.resize?.(process.stdout.rows, process.stdout.columns).catch(() => undefined);
    send();
    process.stdout.on('resize', send);
    stopResize = () => process.stdout.off('resize', send);
  }
  try {
    if (io.tty) {
      for await (const chunk of h.socket) await write(process.stdout, chunk as Buffer);
    } else {
      for await (const f of demux(h.socket)) await write(f.stream === 2 ? process.stderr : process.stdout, f.data);
    }
  } catch (e) {
    // The daemon closing the connection abruptly once the process is gone ends the stream too.
    if (!detached && (e as NodeJS.ErrnoException).code !== 'ECONNRESET') throw e;
  } finally {
    stopStdin();
    stopResize();
    h.socket.destroy();
  }
  return detached ? 'detached' : 'closed';
}

/** docker's --sig-proxy: signals this CLI receives go to the container's process while attached (no TTY). */
export function proxySignals(client: EngineClient, id: string): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const).map((sig) => {
    const h = () => void client.containers.kill(id, { signal: sig }).catch(() => undefined);
    process.on(sig, h);
    return () => process.off(sig, h);
  });
  return () => handlers.forEach((off) => off());
}
