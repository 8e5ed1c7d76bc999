// COPY/ADD sources in the build context, found and hashed in the ContextTree (no disk): the same
// rules as findSources on disk — paths cleaned and kept inside the context, wildcards matched
// against every path, a named source that is a symlink followed within the context.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { invalidArgument } from '../../common/errors.js';
import { hasWildcard, matcher } from './copy.js';
import type { ContextEntry, ContextTree } from './context-tree.js';

export interface TreeSource {
  /** The path as the step names it (what the hash records). */
  rel: string;
  /** Where it leads in the tree (symlinks followed). */
  key: string;
  entry: ContextEntry;
}

export function findContextSources(tree: ContextTree, srcs: string[]): TreeSource[] {
  const out: TreeSource[] = [];
  for (const raw of srcs) {
    const clean = posix.normalize('/' + raw).slice(1) || '.';
    if (posix.normalize(raw).startsWith('../')) throw invalidArgument(`forbidden path outside the build context: ${raw} ()`);
    if (hasWildcard(clean)) {
      const re = matcher(clean);
      for (const rel of tree.walk().filter((p) => re.test(p))) {
        let key = rel;
        try { key = tree.resolve(rel); } catch { /* a link loop: the link itself */ }
        const entry = tree.lstat(key) ?? tree.lstat(rel);
        if (entry) out.push({ rel, key: tree.lstat(key) ? key : rel, entry });
      }
      continue;
    }
    const key = clean === '.' ? '' : tree.resolve(clean);
    const entry = tree.lstat(key);
    if (!entry) throw invalidArgument(`file not found in build context or excluded by .dockerignore: stat ${clean}: file does not exist`);
    out.push({ rel: clean, key, entry });
  }
  if (out.length === 0) throw invalidArgument('no source files were specified');
  return out;
}

/** A checksum of everything the sources hold (names, types, modes, contents, link targets; not times). */
export function hashContextSources(tree: ContextTree, sources: TreeSource[]): string {
  const h = createHash('sha256');
  const add = (key: string, rel: string, e: ContextEntry) => {
    h.update(`${rel}\0${e.type}${e.mode.toString(8)}\0`);
    if (e.type === 'symlink') h.update(`L${e.linkname ?? ''}\0`);
    else if (e.type === 'file') h.update(`${e.digest ?? ''}\0`);
    else for (const name of tree.readdir(key)) {
      const k = key ? `${key}/${name}` : name;
      add(k, `${rel}/${name}`, tree.lstat(k) as ContextEntry);
    }
  };
  for (const s of sources) add(s.key, s.rel, s.entry);
  return h.digest('hex');
}
