// Reads conmon's k8s-file logs ("<RFC3339Nano> stdout|stderr F|P <data>") back into LogLines.
// P marks a partial line (no newline yet): parts are joined until the F line that ends it.
// Followed reads poll cheaply with fs.watch and stop when the writer says the stream is over.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import type { LogLine } from '../types.js';

export interface RawLogRecord { time: string; stream: 'stdout' | 'stderr'; partial: boolean; data: Buffer }

/** Parses one line of a k8s-file log (without its trailing newline). */
export function parseLogRecord(line: Buffer): RawLogRecord | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 < 0) {
    // "TIME STREAM F" with empty data has no final space.
    if (s2 < 0) return undefined;
  }
  const time = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const flagEnd = s3 < 0 ? line.length : s3;
  const flag = line.subarray(s2 + 1, flagEnd).toString();
  const data = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { time, stream, partial: flag === 'P', data: Buffer.from(data) };
}

/** Joins partial records per stream into whole lines (with their newline). */
export class LineAssembler {
  private readonly pending: Record<'stdout' | 'stderr', { time: string; parts: Buffer[] } | undefined> = { stdout: undefined, stderr: undefined };

  push(rec: RawLogRecord): LogLine | undefined {
    const p = this.pending[rec.stream];
    if (rec.partial) {
      if (p) p.parts.push(rec.data); else this.pending[rec.stream] = { time: rec.time, parts: [rec.data] };
      return undefined;
    }
    this.pending[rec.stream] = undefined;
    const data = Buffer.concat([...(p?.parts ?? []), rec.data, Buffer.from('\n')]);
    return { stream: rec.stream, time: p?.time ?? rec.time, data };
  }

  /** Whatever partial data is left when the log ends (a last line without newline). */
  flush(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.pending[stream];
      if (p) out.push({ stream, time: p.time, data: Buffer.concat(p.parts) });
      this.pending[stream] = undefined;
    }
    return out;
  }
}

export interface FollowOptions {
  /** Byte offset to start at. */
  offset?: number;
  /** Keep reading as the file grows until `isOver` resolves true (checked whenever the file is idle). */
  follow: boolean;
  isOver?: () => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** Re-check `isOver` at once when this settles (instead of at the next idle poll). */
  wakeOn?: Promise<unknown>;
  /** Emit records raw (each P chunk at once: attach wants bytes as they come, logs want lines). */
  raw?: boolean;
}

/**
 * Streams records from a k8s-file log. With `raw`, partial chunks come out at once, each as its
 * own LogLine without added newline, except that F records get their newline back.
 */
export async function* readLog(path: string, opts: FollowOptions): AsyncGenerator<LogLine & { offset: number }> {
  let offset = opts.offset ?? 0;
  let carry = Buffer.alloc(0);
  const assembler = new LineAssembler();
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  opts.signal?.addEventListener('abort', poke);
  let settled = false;
  void opts.wakeOn?.then(() => { settled = true; poke(); });
  // The file stays open across reads: when conmon replaces it (max-size), we finish the old one
  // first, then move to the new file at the path.
  let fh: FileHandle | undefined;
  let ino = -1;
  try {
    for (;;) {
      if (!fh) {
        try { fh = await open(path, 'r'); ino = (await fh.stat()).ino; } catch { fh = undefined; }
      }
      let grew = false;
      if (fh) {
        const size = (await fh.stat()).size;
        if (size < offset) { offset = 0; carry = Buffer.alloc(0); } // truncated in place: start over
        while (offset < size) {
          const chunk = Buffer.alloc(Math.min(256 * 1024, size - offset));
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, offset);
          if (bytesRead <= 0) break;
          grew = true;
          let buf = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
          let start = 0;
          let nl: number;
          while ((nl = buf.indexOf(0x0a, start)) >= 0) {
            const rec = parseLogRecord(buf.subarray(start, nl));
            start = nl + 1;
            if (!rec) continue;
            const at = offset - carry.length + start;
            if (opts.raw) yield { stream: rec.stream, time: rec.time, data: rec.partial ? rec.data : Buffer.concat([rec.data, Buffer.from('\n')]), offset: at };
            else {
              const line = assembler.push(rec);
              if (line) yield { ...line, offset: at };
            }
          }
          buf = buf.subarray(start);
          offset += bytesRead;
          carry = Buffer.from(buf);
        }
      }
      if (opts.signal?.aborted) return;
      if (!opts.follow) break;
      if (!grew) {
        const now = await stat(path).catch(() => undefined);
        if (fh && now && now.ino !== ino) {
          // Rotated: the old file is read to its end; continue with the new one from its start.
          await fh.close();
          fh = undefined;
          offset = 0;
          carry = Buffer.alloc(0);
          watcher?.close();
          watcher = undefined;
          continue;
        }
        if (await opts.isOver?.()) {
          // One last look: the writer may have flushed between our read and its exit.
          if (!now) break;
          if (fh && now.size <= offset) break;
          continue;
        }
      }
      if (!watcher) {
        try { watcher = watch(path, poke); } catch { watcher = undefined; }
      }
      if (!grew && !settled) await new Promise<void>((r) => { wake = r; setTimeout(poke, watcher ? 250 : 50); });
      settled = false;
    }
    if (!opts.raw) for (const l of assembler.flush()) yield { ...l, offset };
  } finally {
    await fh?.close();
    watcher?.close();
    opts.signal?.removeEventListener('abort', poke);
  }
}
