// Joins a hijacked attach/exec stream to this process's stdio: demultiplexes stdout/stderr (or
// copies raw TTY bytes), forwards stdin (raw mode for a TTY) and half-closes on stdin EOF,
// and keeps the remote TTY's size in step with ours (SIGWINCH).
import type { Writable } from 'node:stream';
import { demux, type Hijacked } from '../api/client/index.js';

export interface AttachIO {
  tty: boolean;
  stdin: boolean;
  /** Called with (rows, columns) now and on every terminal resize, once the process runs. */
  resize?: (rows: number, cols: number) => Promise<void>;
}

async function write(out: Writable, data: Buffer): Promise<void> {
  if (!out.write(data)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/** Pumps until the daemon closes the output; resolves then (stdin is let go). */
export async function pumpStreams(h: Hijacked, io: AttachIO): Promise<void> {
  const stdin = process.stdin;
  const rawTTY = io.tty && io.stdin && stdin.isTTY === true;
  let stopStdin = () => {};
  if (io.stdin) {
    if (rawTTY) stdin.setRawMode(true);
    const onData = (d: Buffer) => {
      if (!h.socket.write(d)) {
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
    if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') throw e;
  } finally {
    stopStdin();
    stopResize();
    h.socket.destroy();
  }
}
