// /containers/{id}/archive: HEAD (stat), GET (tar out), PUT (tar in) for `docker cp`.
import { pipeline } from 'node:stream/promises';
import { invalidArgument } from '../../../common/errors.js';
import type { ArchiveStat } from '../../../engine/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty } from '../http.js';

const S_IFMT = 0o170000;
const GO_MODE: Record<number, number> = {
  0o040000: 2 ** 31, // ModeDir
  0o120000: 2 ** 27, // ModeSymlink
  0o010000: 2 ** 25, // ModeNamedPipe
  0o140000: 2 ** 24, // ModeSocket
  0o020000: 2 ** 26 + 2 ** 21, // ModeDevice | ModeCharDevice
  0o060000: 2 ** 26, // ModeDevice
};

/** Docker's stat header carries Go's os.FileMode bits, not a unix st_mode. */
export function goFileMode(unixMode: number): number {
  if (unixMode > 0o7777 && (unixMode & S_IFMT) === 0) return unixMode; // already a Go FileMode
  let mode = (unixMode & 0o777) + (GO_MODE[unixMode & S_IFMT] ?? 0);
  if (unixMode & 0o4000) mode += 2 ** 23;
  if (unixMode & 0o2000) mode += 2 ** 22;
  if (unixMode & 0o1000) mode += 2 ** 20;
  return mode;
}

export function statHeader(stat: ArchiveStat): string {
  const json = JSON.stringify({ name: stat.name, size: stat.size, mode: goFileMode(stat.mode), mtime: stat.mtime, linkTarget: stat.linkTarget });
  return Buffer.from(json).toString('base64');
}

function pathParam(ctx: Ctx): string {
  const path = ctx.query.str('path');
  if (!path) throw invalidArgument('Bad parameters: path cannot be empty');
  return path;
}

export async function statArchive(ctx: Ctx): Promise<void> {
  const stat = await ctx.engine.containers.statPath(ctx.params.id, pathParam(ctx));
  ctx.res.setHeader('X-Docker-Container-Path-Stat', statHeader(stat));
  sendEmpty(ctx.res, 200);
}

export async function getArchive(ctx: Ctx): Promise<void> {
  const { stat, tar } = await ctx.engine.containers.getArchive(ctx.params.id, pathParam(ctx));
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': statHeader(stat) });
  try {
    await pipeline(tar, ctx.res);
  } catch (e) {
    ctx.log('debug', 'archive stream ended early', { error: (e as Error).message });
    tar.destroy();
  }
}

export async function putArchive(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.putArchive(ctx.params.id, pathParam(ctx), ctx.bodyStream(), {
    noOverwriteDirNonDir: ctx.query.bool('noOverwriteDirNonDir'),
    copyUIDGID: ctx.query.bool('copyUIDGID'),
  });
  sendEmpty(ctx.res, 200);
}

/** GET /containers/{id}/export: the container's whole filesystem as a tar (its rootfs, "./" first). */
export async function exportContainer(ctx: Ctx): Promise<void> {
  const { tar } = await ctx.engine.containers.getArchive(ctx.params.id, '/');
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await pipeline(tar, ctx.res);
  } catch (e) {
    ctx.log('debug', 'export stream ended early', { error: (e as Error).message });
    tar.destroy();
  }
}
