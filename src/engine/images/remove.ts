// `rmi` and `image prune` with Docker's semantics: a name untags (and deletes the image once no
// reference is left), an id deletes; conflicts are soft (stopped containers, other tags: -f
// overrides) or hard (running containers, child images); untagged parents are pruned quietly.
import { BerthError, conflict } from '../../common/errors.js';
import type { ImageRemoval } from '../types.js';
import { shortId } from './fsutil.js';
import type { LayerMeta } from './layers.js';
import { parseNormalizedNamed, referenceString, tagNameOnly } from './reference.js';
import { familiarKey, isDigestKey, repoOfKey } from './refstore.js';
import type { Store } from './store.js';

const HARD = { child: 1, running: 2 } as const;
const SOFT = { reference: 4, stopped: 8 } as const;
const CONFLICT_HARD = HARD.child | HARD.running;
const CONFLICT_SOFT = SOFT.reference | SOFT.stopped;

class DeleteConflict {
  constructor(readonly id: string, readonly hard: boolean, readonly used: boolean, readonly message: string) {}
  error(): BerthError {
    return conflict(`conflict: unable to delete ${shortId(this.id)} (${this.hard ? 'cannot be forced' : 'must be forced'}) - ${this.message}`, { imageId: this.id });
  }
}

interface Records { untagged: string[]; deleted: string[]; layers: LayerMeta[] }

export async function removeImage(store: Store, ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageRemoval & { layers: LayerMeta[] }> {
  return store.lock.run(async () => {
    const { id } = store.resolve(ref);
    const rec: Records = { untagged: [], deleted: [], layers: [] };
    let repoRefs = store.refs.refsOf(id);
    let removedRepositoryRef = false;

    if (!isIdPrefix(id, ref)) {
      // A name: untag it; with no reference left, the image goes too (quietly on conflict).
      if (!opts.force && isSingleReference(repoRefs)) {
        const users = await store.deps.containersUsing(id);
        if (users.length > 0) {
          throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(users[0])} is using its referenced image ${shortId(id)}`, { imageId: id, containerId: users[0] });
        }
      }
      const key = referenceString(tagNameOnly(parseNormalizedNamed(ref)));
      await untag(store, id, key, rec);
      repoRefs = store.refs.refsOf(id);
      if (!isDigestKey(key)) {
        // The last tag of a repository gone: its digest references go with it.
        const repo = repoOfKey(key);
        if (!repoRefs.some((r) => !isDigestKey(r) && repoOfKey(r) === repo)) {
          for (const r of repoRefs.filter((x) => isDigestKey(x) && repoOfKey(x) === repo)) await untag(store, id, r, rec);
          repoRefs = store.refs.refsOf(id);
        }
      }
      if (repoRefs.length > 0) return result(rec);
      removedRepositoryRef = true;
    } else if (isSingleReference(repoRefs)) {
      // An id, and the image has one tag (plus its digests): check, then drop the references.
      let mask = CONFLICT_HARD;
      if (!opts.force) mask |= CONFLICT_SOFT & ~SOFT.reference;
      const c = await checkConflict(store, id, mask);
      if (c) throw c.error();
      for (const r of repoRefs) await untag(store, id, r, rec);
    }
    await deleteHelper(store, id, rec, opts.force, !opts.noPrune, removedRepositoryRef);
    return result(rec);
  });
}

function result(rec: Records): ImageRemoval & { layers: LayerMeta[] } {
  return { untagged: rec.untagged, deleted: rec.deleted, layers: rec.layers };
}

async function untag(store: Store, id: string, key: string, rec: Records): Promise<void> {
  await store.refs.delete(key);
  store.deps.events.publish('image', 'untag', id, { name: id });
  rec.untagged.push(familiarKey(key));
}

async function deleteHelper(store: Store, id: string, rec: Records, force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  let mask = CONFLICT_HARD;
  if (!force) mask |= CONFLICT_SOFT;
  const c = await checkConflict(store, id, mask);
  if (c) {
    // Quiet (an untag or a parent prune): keep the image unless that would leave it dangling and unused.
    if (quiet && (!isDangling(store, id) || c.used)) return;
    throw c.error();
  }
  const parent = store.mustGet(id).meta.parent;
  for (const r of store.refs.refsOf(id)) await untag(store, id, r, rec);
  const freed = await store.dropImage(id);
  store.deps.events.publish('image', 'delete', id, { name: id });
  rec.deleted.push(id);
  for (const l of freed) { rec.deleted.push(l.chainId); rec.layers.push(l); }
  if (!prune || !parent || !store.has(parent)) return;
  await deleteHelper(store, parent, rec, false, true, true);
}

async function checkConflict(store: Store, id: string, mask: number): Promise<DeleteConflict | undefined> {
  if (mask & HARD.child && store.children(id).length > 0) return new DeleteConflict(id, true, false, 'image has dependent child images');
  const users = mask & (HARD.running | SOFT.stopped) ? await store.deps.containersUsing(id) : [];
  const running: string[] = [];
  const stopped: string[] = [];
  for (const u of users) ((await store.deps.containerRunning?.(u)) ? running : stopped).push(u);
  if (mask & HARD.running && running.length > 0) return new DeleteConflict(id, true, true, `image is being used by running container ${shortId(running[0])}`);
  if (mask & SOFT.reference && store.refs.refsOf(id).length > 0) return new DeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  if (mask & SOFT.stopped && stopped.length > 0) return new DeleteConflict(id, false, true, `image is being used by stopped container ${shortId(stopped[0])}`);
  return undefined;
}

function isDangling(store: Store, id: string): boolean {
  return store.refs.refsOf(id).length === 0 && store.children(id).length === 0;
}

/** Whether `ref` names the image by (a prefix of) its id. */
function isIdPrefix(id: string, ref: string): boolean {
  return id.startsWith(ref) || id.slice(7).startsWith(ref);
}

/** One tag at most, and every reference in that tag's repository. */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => !isDigestKey(r));
  if (tags.length > 1) return false;
  const digestRepos = new Set(refs.filter(isDigestKey).map(repoOfKey));
  const single = tags[0] ?? refs[0];
  return digestRepos.size === 1 && digestRepos.has(repoOfKey(single));
}

/** `image prune`: dangling images (or every unused one), skipping any a container uses. */
export async function pruneImages(
  store: Store,
  opts: { danglingOnly: boolean; until?: number; labels?: string[] },
): Promise<{ deleted: ImageRemoval; spaceReclaimed: number }> {
  const out: ImageRemoval = { untagged: [], deleted: [] };
  let space = 0;
  const candidates = store.all().filter((img) => {
    // Dangling mode looks at top images only (not parents of others), as Docker does.
    if (opts.danglingOnly && store.children(img.meta.id).length > 0) return false;
    if (opts.until !== undefined && Date.parse(img.config.created ?? '') / 1000 >= opts.until) return false;
    return matchLabels(img.config.config?.Labels ?? {}, opts.labels ?? []);
  });
  for (const img of candidates) {
    const id = img.meta.id;
    if (!store.has(id)) continue;
    if ((await store.deps.containersUsing(id)).length > 0) continue;
    const refs = store.refs.refsOf(id);
    const targets: string[] = [];
    if (refs.length > 0) {
      const hasTag = refs.some((r) => !isDigestKey(r));
      if (!opts.danglingOnly || !hasTag) targets.push(...refs.map(familiarKey));
    } else {
      targets.push(id.slice(7));
    }
    for (const t of targets) {
      try {
        const r = await removeImage(store, t, { force: false, noPrune: false });
        out.untagged.push(...r.untagged);
        out.deleted.push(...r.deleted);
        for (const l of r.layers) space += l.size;
      } catch (e) {
        if (e instanceof BerthError && (e.kind === 'conflict' || e.kind === 'not_found')) continue;
        throw e;
      }
    }
  }
  return { deleted: out, spaceReclaimed: space };
}

/** label filters: "k", "k=v", and negations "!k" / "!k=v" (the API's label! filter). */
function matchLabels(labels: Record<string, string>, filters: string[]): boolean {
  return filters.every((f) => {
    const neg = f.startsWith('!');
    const body = neg ? f.slice(1) : f;
    const i = body.indexOf('=');
    const hit = i === -1 ? body in labels : labels[body.slice(0, i)] === body.slice(i + 1);
    return neg ? !hit : hit;
  });
}
