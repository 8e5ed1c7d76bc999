// The two stream encodings of the Engine API: the 8-byte-header multiplexed frames of attach, exec
// and logs (when no TTY), and the newline-separated JSON of events, stats and progress.
import type { Readable } from 'node:stream';

export type StreamType = 0 | 1 | 2; // stdin, stdout, stderr (as in the frame header)

export interface Frame {
  stream: StreamType;
  data: Buffer;
}

/**
 * Splits a multiplexed stream into frames: [type, 0, 0, 0, size (big-endian u32)] then `size`
 * bytes. Chunks are consumed as they come; a frame is never held longer than it takes to arrive.
 */
export async function* demux(source: AsyncIterable<Buffer | string>): AsyncGenerator<Frame> {
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, Buffer.from(chunk)]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0];
      yield { stream: (type === 2 ? 2 : type === 0 ? 0 : 1) as StreamType, data: pending.subarray(8, 8 + size) };
      pending = pending.subarray(8 + size);
    }
  }
}

/** Writes a frame header (for tests and servers speaking the same format). */
export function frameHeader(stream: StreamType, size: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(size, 4);
  return h;
}

/** Parses a stream of JSON values separated by newlines (or simply concatenated). */
export async function* jsonLines<T = unknown>(source: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let buf = '';
  for await (const chunk of source) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as T;
}
