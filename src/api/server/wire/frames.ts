// Docker's multiplexed stream framing for attach, exec and logs without a tty:
// an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] before each payload.
export type StreamId = 0 | 1 | 2;
export const STDIN: StreamId = 0;
export const STDOUT: StreamId = 1;
export const STDERR: StreamId = 2;

const MAX_FRAME = 0xffff_ffff;

export function encodeFrame(stream: StreamId, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME) throw new RangeError('frame payload too large');
  const out = Buffer.allocUnsafe(8 + payload.length);
  out[0] = stream;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}

/** Incremental decoder: feed chunks as they arrive, get whole frames back (used by tests and clients). */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { stream: StreamId; payload: Buffer }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: { stream: StreamId; payload: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      frames.push({ stream: this.pending[0] as StreamId, payload: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}

export const MEDIA_RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MEDIA_MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';
