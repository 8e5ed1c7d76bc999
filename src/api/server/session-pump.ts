// Joins an engine stdio session to a hijacked connection: output framed (or raw with a tty) with
// backpressure, the client's bytes into stdin, its half-close as the process's EOF.
import type { Readable } from 'node:stream';
import type { StdioSession } from '../../engine/types.js';
import type { Hijacked, LogFn } from './context.js';
import { DetachKeyFilter } from './wire/detach-keys.js';
import { encodeFrame, STDERR, STDOUT, type StreamId } from './wire/frames.js';

async function pumpOutput(src: Readable, stream: StreamId, tty: boolean, conn: Hijacked): Promise<void> {
  for await (const chunk of src) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    if (buf.length === 0) continue;
    if (!(await conn.write(tty ? buf : encodeFrame(stream, buf)))) break;
  }
}

export async function pumpSession(
  session: StdioSession,
  conn: Hijacked,
  opts: { tty: boolean; stdin: boolean; detachKeys: number[]; log: LogFn; beforeEnd?: () => Promise<void> },
): Promise<void> {
  const onAbort = () => session.close();
  conn.signal.addEventListener('abort', onAbort, { once: true });
  const stdin = opts.stdin ? session.stdin : null;
  let detached = false;
  if (stdin) {
    // The process may exit while the client still writes: its stdin then errors with EPIPE.
    stdin.on('error', (e) => opts.log('debug', 'stdin closed', { error: e.message }));
    conn.input.on('error', () => stdin.end());
    // Detaching ends the connection but leaves the process (and its stdin) alone.
    const filter = new DetachKeyFilter(opts.detachKeys, () => {
      detached = true;
      filter.unpipe(stdin);
      opts.log('debug', 'detached by the client\'s detach keys');
      session.close();
    });
    conn.input.pipe(filter).pipe(stdin);
  } else {
    conn.input.resume();
  }
  try {
    await Promise.all([pumpOutput(session.stdout, STDOUT, opts.tty, conn), pumpOutput(session.stderr, opts.tty ? STDOUT : STDERR, opts.tty, conn)]);
    await session.done;
    if (opts.beforeEnd && !detached) await opts.beforeEnd();
  } finally {
    conn.signal.removeEventListener('abort', onAbort);
    conn.input.unpipe();
    conn.end();
  }
}
