// zstd layers (OCI's application/vnd.oci.image.layer.v1.tar+zstd). Node 20's zlib has no zstd
// (it arrives in Node 22.15), so the Debian `zstd` tool decompresses, streamed through a pipe;
// on a Node with zlib.createZstdDecompress that is used instead. docs/registry.md says why.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { failedPrecondition, invalidArgument } from '../../common/errors.js';

type ZlibWithZstd = { createZstdDecompress?: () => NodeJS.ReadWriteStream };

export async function* zstdDecompressed(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const native = (zlib as unknown as ZlibWithZstd).createZstdDecompress;
  if (native) {
    const d = native();
    const feeding = pipeline(Readable.from(src), d).catch(() => undefined);
    try {
      for await (const chunk of d as unknown as AsyncIterable<Buffer>) yield chunk;
    } finally {
      await feeding;
    }
    return;
  }
  const child = spawn('zstd', ['-dcq'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? failedPrecondition('zstd-compressed layers need the zstd tool (apt-get install zstd)') : e));
    child.on('close', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  child.stdin.on('error', () => undefined);
  const feeding = pipeline(Readable.from(src), child.stdin).catch(() => undefined);
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw invalidArgument(`invalid zstd stream: ${stderr.trim() || `zstd exited with ${code}`}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await feeding;
  }
}
