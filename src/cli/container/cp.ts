// `cp` both ways through the archive endpoints (tar streams, never whole files in memory), and
// `export`. Path rules follow docker cp: into an existing directory keeps the source's name,
// otherwise the copy takes the destination's name.
import { createReadStream, createWriteStream, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, linkSync, utimesSync, chmodSync } from 'node:fs';
import { basename, dirname, join, posix, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import tar from 'tar-stream';
import { invalidArgument, isBerthError } from '../../common/errors.js';
import type { EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { humanSize } from '../output/units.js';

/** "ctr:/path" -> ["ctr", "/path"]; local paths (absolute, ./relative, or with no colon) -> [undefined, path]. */
export function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith('/') || arg.startsWith('.')) return [undefined, arg];
  const i = arg.indexOf(':');
  return i <= 0 ? [undefined, arg] : [arg.slice(0, i), arg.slice(i + 1)];
}

function exists(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Unpacks a tar into `destDir`, renaming its top-level entry `from` to `to` (and refusing paths that escape). */
async function extractTar(source: Readable, destDir: string, from: string, to: string): Promise<void> {
  const extract = tar.extract();
  const root = resolve(destDir);
  extract.on('entry', (header, stream, next) => {
    let name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
    if (from && (name === from || name.startsWith(`${from}/`))) name = to + name.slice(from.length);
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) { stream.resume(); next(); return; }
    const done = (e?: unknown) => {
      if (e) { next(e as Error); return; }
      if (header.mtime && header.type !== 'symlink') try { utimesSync(target, header.mtime, header.mtime); } catch { /* best effort */ }
      next();
    };
    mkdirSync(dirname(target), { recursive: true });
    switch (header.type) {
      case 'directory':
        mkdirSync(target, { recursive: true });
        if (header.mode) chmodSync(target, header.mode & 0o7777);
        stream.resume();
        stream.once('end', () => done());
        break;
      case 'symlink':
        try { symlinkSync(header.linkname ?? '', target); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') { done(e); return; } }
        stream.resume();
        stream.once('end', () => next());
        break;
      case 'link':
        try { linkSync(resolve(root, header.linkname ?? ''), target); } catch { /* best effort */ }
        stream.resume();
        stream.once('end', () => next());
        break;
      case 'file':
      case 'contiguous-file':
        pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o7777 })).then(() => done(), done);
        break;
      default:
        stream.resume();
        stream.once('end', () => next());
    }
  });
  await pipeline(source, extract);
}

/** Packs a local file or directory tree as a tar whose top entry is named `name`. */
function packPath(src: string, name: string, followLink: boolean): Readable {
  const pack = tar.pack();
  const add = async (path: string, entryName: string, top: boolean): Promise<void> => {
    const st = top && followLink ? statSync(path) : lstatSync(path);
    const base = { name: entryName, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      pack.entry({ ...base, type: 'directory' });
      for (const child of readdirSync(path).sort()) await add(join(path, child), posix.join(entryName, child), false);
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...base, type: 'symlink', linkname: readlinkSync(path) });
    } else if (st.isFile()) {
      await new Promise<void>((res, rej) => {
        const entry = pack.entry({ ...base, type: 'file', size: st.size }, (e) => (e ? rej(e) : res()));
        pipeline(createReadStream(path), entry).catch(rej);
      });
    }
  };
  add(src, name, true).then(() => pack.finalize(), (e: unknown) => pack.destroy(e as Error));
  // tar-stream's streams are streamx streams: read them through their async iterator as a Node stream.
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function fromContainer(client: EngineClient, container: string, srcPath: string, dest: string): Promise<number> {
  const { stat, tar: body } = await client.containers.getArchive(container, srcPath);
  let bytes = 0;
  body.on('data', (c: Buffer) => { bytes += c.length; });
  if (dest === '-') {
    await pipeline(body, process.stdout, { end: false });
    return bytes;
  }
  const contentsOnly = srcPath.endsWith('/.');
  const srcIsDir = (stat.mode & 0x80000000) !== 0;
  const destStat = exists(dest);
  if (destStat?.isDirectory() && !contentsOnly) {
    await extractTar(body, dest, stat.name, stat.name);
  } else if (destStat && !destStat.isDirectory() && srcIsDir) {
    body.resume();
    throw invalidArgument(`cannot copy directory to a file: ${dest}`);
  } else if (contentsOnly && destStat?.isDirectory()) {
    await extractTar(body, dest, stat.name, '.');
  } else {
    if (dest.endsWith('/') && !destStat) { body.resume(); throw invalidArgument(`destination directory "${dest}" does not exist`); }
    await extractTar(body, dirname(resolve(dest)), stat.name, basename(resolve(dest)));
  }
  return bytes;
}

async function toContainer(client: EngineClient, src: string, container: string, destPath: string, followLink: boolean): Promise<number> {
  if (src === '-') {
    await client.containers.putArchive(container, destPath, process.stdin, { noOverwriteDirNonDir: true });
    return 0;
  }
  const local = exists(src);
  if (!local) throw invalidArgument(`could not find the file ${src} in the local filesystem`);
  let destDir = destPath;
  let name = basename(resolve(src));
  try {
    const st = await client.containers.statPath(container, destPath);
    const destIsDir = (st.mode & 0x80000000) !== 0;
    if (!destIsDir) {
      if (local.isDirectory()) throw invalidArgument(`cannot copy directory to a file: ${destPath}`);
      destDir = posix.dirname(destPath);
      name = posix.basename(destPath);
    }
  } catch (e) {
    if (!isBerthError(e, 'not_found')) throw e;
    if (destPath.endsWith('/')) throw invalidArgument(`destination directory "${container}:${destPath}" does not exist`);
    destDir = posix.dirname(destPath);
    name = posix.basename(destPath);
  }
  let bytes = 0;
  const packed = packPath(src, name, followLink);
  // Counted as the request reads it: a 'data' listener would start the flow before the request
  // is connected (it may first negotiate the API version), and those bytes would be lost.
  const body = Readable.from((async function* counted() {
    for await (const c of packed) {
      bytes += (c as Buffer).length;
      yield c as Buffer;
    }
  })(), { objectMode: false });
  await client.containers.putArchive(container, destDir, body, { noOverwriteDirNonDir: true });
  return bytes;
}

/**
 * Copies out of (`from` given) or into (`to` given) one container by id or name; the bytes sent.
 * Shared with `compose cp`, which finds the container from a service first.
 */
export function copyWithContainer(client: EngineClient, dir: { from: string; to?: undefined } | { to: string; from?: undefined }, srcPath: string, destPath: string, followLink = false): Promise<number> {
  return dir.from !== undefined ? fromContainer(client, dir.from, srcPath, destPath) : toContainer(client, srcPath, dir.to, destPath, followLink);
}

export async function cpCommand(src: string, dest: string, f: { followLink?: boolean; quiet?: boolean }, cmd: Command): Promise<void> {
  const [srcCtr, srcPath] = splitCpArg(src);
  const [destCtr, destPath] = splitCpArg(dest);
  if (srcCtr && destCtr) throw invalidArgument('copying between containers is not supported');
  if (!srcCtr && !destCtr) throw invalidArgument('must specify at least one container source');
  const client = await connect(cmd);
  const bytes = await copyWithContainer(client, srcCtr ? { from: srcCtr } : { to: destCtr as string }, srcPath, destPath, !!f.followLink);
  if (!f.quiet && dest !== '-' && src !== '-') process.stderr.write(`Successfully copied ${humanSize(bytes)} to ${dest}\n`);
}

export async function exportCommand(container: string, f: { output?: string }, cmd: Command): Promise<void> {
  if (!f.output && process.stdout.isTTY) throw invalidArgument('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const client = await connect(cmd);
  const body = await client.containers.export(container);
  await pipeline(body, f.output ? createWriteStream(f.output) : process.stdout);
}
