// The compressed bytes of one layer as a pull reads them — from the registry (teed into the blob
// cache) or from a blob the cache already holds — hashed and counted as they pass, so that the
// digest can be checked once the last byte is in, before the unpacked layer is committed.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { invalidArgument } from '../../../common/errors.js';
import type { Descriptor } from '../image-config.js';
import type { BlobWriter } from './blob-cache.js';

export class LayerSource {
  private readonly hash = createHash('sha256');
  private readonly it: AsyncIterator<Buffer | string>;
  private bytes = 0;
  /** The verification error `verify` threw, if the bytes did not match the descriptor. */
  mismatch?: Error;
  private ended = false;
  private digested = false;
  /** Reads are chained: `verify` may drain what the unpacker left while its last read is in flight. */
  private pending: Promise<Buffer | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly body: Readable,
    private readonly desc: Descriptor,
    private readonly onBytes: (n: number) => void,
    /** Where the bytes are teed (a download); none when reading the cache. */
    private readonly writer?: BlobWriter,
  ) {
    this.it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  /** The bytes for the unpacker; leaving early does not close the body (`verify` drains it). */
  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const b = await this.read();
      if (b === undefined) return;
      yield b;
    }
  }

  private read(): Promise<Buffer | undefined> {
    this.pending = this.pending.then(() => this.readOne());
    return this.pending;
  }

  private async readOne(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    const r = await this.it.next();
    if (r.done) { this.ended = true; return undefined; }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    this.bytes += b.length;
    if (this.desc.size >= 0 && this.bytes > this.desc.size) {
      throw (this.mismatch = invalidArgument(`filesystem layer verification failed for digest ${this.desc.digest}: more bytes than the ${this.desc.size} announced`));
    }
    this.hash.update(b);
    if (this.writer) await this.writer.write(b);
    this.onBytes(this.bytes);
    return b;
  }

  /** Reads whatever is left, then checks size and digest (Docker's verification error if not). */
  async verify(): Promise<void> {
    while ((await this.read()) !== undefined) { /* drain */ }
    if (this.digested) throw new Error('layer source verified twice');
    this.digested = true;
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.desc.digest || (this.desc.size >= 0 && this.bytes !== this.desc.size)) {
      throw (this.mismatch = invalidArgument(`filesystem layer verification failed for digest ${this.desc.digest}`));
    }
  }

  /**
   * Why unpacking failed, as Docker would say it: a blob that does not match its digest is
   * reported as such even when the decompressor or the tar parser tripped on its bytes first.
   */
  async explain(e: unknown, aborted: boolean): Promise<unknown> {
    if (this.mismatch) return this.mismatch;
    if (aborted || this.digested) return e;
    await this.verify().catch(() => undefined);
    return this.mismatch ?? e;
  }

  /** Keeps a verified download in the blob cache (once its layer is committed too). */
  async keep(): Promise<void> {
    await this.writer?.commit();
  }

  /** Stops reading (the body is closed) and drops a partial download. */
  async abort(): Promise<void> {
    this.body.destroy();
    await this.writer?.abort();
  }
}
