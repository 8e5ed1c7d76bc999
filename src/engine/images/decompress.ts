// Layer and archive streams arrive plain or compressed; the first bytes say which (media types lie
// often enough that Docker sniffs too).
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notImplemented } from '../../common/errors.js';
import { zstdDecompressed } from './zstd.js';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const BZIP2 = [0x42, 0x5a, 0x68];

/** Strings become bytes; buffers pass as they are (Buffer.from would copy every chunk). */
const asBuffer = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

const startsWith = (b: Buffer, magic: number[]) => b.length >= magic.length && magic.every((m, i) => b[i] === m);

/** Yields the uncompressed bytes of `src`, with backpressure (nothing is read ahead of the consumer); says which format it found before the first byte. */
export async function* decompressed(src: AsyncIterable<Buffer | string>, onFormat?: (format: 'plain' | 'gzip' | 'zstd') => void): AsyncGenerator<Buffer> {
  const it = src[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 6) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    head = Buffer.concat([head, asBuffer(r.value)]);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield asBuffer(r.value);
      }
    } finally {
      await it.return?.();
    }
  }
  if (startsWith(head, GZIP)) {
    onFormat?.('gzip');
    // Bigger output buffers than zlib's 16 KiB: fewer thread-pool round trips and chunks downstream.
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    // Errors surface through the gunzip iteration below; the promise itself is only awaited for cleanup.
    const feeding = pipeline(Readable.from(rest()), gunzip).catch(() => undefined);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } finally {
      gunzip.destroy();
      await feeding;
    }
    return;
  }
  if (startsWith(head, ZSTD)) {
    onFormat?.('zstd');
    yield* zstdDecompressed(rest());
    return;
  }
  if (startsWith(head, XZ) || startsWith(head, BZIP2)) throw notImplemented('xz and bzip2 compressed archives are not supported yet; use gzip or a plain tar');
  onFormat?.('plain');
  yield* rest();
}
