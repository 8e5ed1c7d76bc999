// A StdioSession built on conmon: output is read from the k8s-file log as it is written (so nothing
// is lost between start and attach, and stdout/stderr stay apart), input goes to conmon's attach
// socket through the stdin bridge. Ending `stdin` half-closes the socket: the process sees EOF.
import { PassThrough, type Writable } from 'node:stream';
import { stat } from 'node:fs/promises';
import type { StdioSession } from '../types.js';
import { readLog } from '../runtime/k8s-log.js';
import { openStdinBridge, type StdinBridge } from '../runtime/attach-socket.js';

export interface SessionSource {
  logPath: string;
  /** Replay the log from its start instead of from now. */
  fromStart: boolean;
  /** Follow output; false: replay only. */
  stream: boolean;
  wantStdout: boolean;
  wantStderr: boolean;
  /** Resolves when the output this session belongs to is over (the process exited). */
  over: Promise<void>;
  /** Resolves when the process has started (immediately if it runs). */
  started: Promise<void>;
  resize: (cols: number, rows: number) => Promise<void>;
  onClose?: () => void;
}

async function writeWithBackpressure(w: Writable, data: Buffer): Promise<void> {
  if (w.destroyed) return;
  if (!w.write(data)) await new Promise<void>((r) => { w.once('drain', r); w.once('close', r); });
}

export async function openSession(src: SessionSource, stdinSocket?: { path: string; connectNow: boolean; register: (connect: () => Promise<void>) => void }): Promise<StdioSession & { bridge?: StdinBridge }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const abort = new AbortController();
  const offset = src.fromStart ? 0 : await stat(src.logPath).then((s) => s.size, () => 0);
  let over = false;
  void src.over.then(() => { over = true; });

  let stdin: PassThrough | null = null;
  let bridge: StdinBridge | undefined;
  if (stdinSocket) {
    const input = new PassThrough();
    stdin = input;
    const connect = async () => {
      // A short-lived process may be gone (socket refused) before we connect: its stdin then goes
      // nowhere. A monitor not listening yet is retried for a moment.
      for (let attempt = 0; !abort.signal.aborted && !bridge; attempt++) {
        const b = openStdinBridge(stdinSocket.path);
        try {
          await b.ready;
          bridge = b;
          input.pipe(b.stdin);
          return;
        } catch {
          if (over || attempt >= 25) { input.resume(); return; }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    if (stdinSocket.connectNow) await connect();
    else stdinSocket.register(connect);
  }

  const done = (async () => {
    try {
      if (src.stream) await Promise.race([src.started, new Promise<void>((r) => abort.signal.addEventListener('abort', () => r()))]);
      for await (const chunk of readLog(src.logPath, { offset, follow: src.stream, raw: true, isOver: () => over, wakeOn: src.over, signal: abort.signal })) {
        if (chunk.stream === 'stdout' && src.wantStdout) await writeWithBackpressure(stdout, chunk.data);
        if (chunk.stream === 'stderr' && src.wantStderr) await writeWithBackpressure(stderr, chunk.data);
      }
    } finally {
      stdout.end();
      stderr.end();
      src.onClose?.();
    }
  })();
  done.catch(() => undefined);

  const close = () => {
    abort.abort();
    if (bridge) { stdin?.unpipe(bridge.stdin); bridge.process.kill('SIGTERM'); }
  };
  return { stdout, stderr, stdin, resize: src.resize, done: done.catch(() => undefined), close, bridge };
}
