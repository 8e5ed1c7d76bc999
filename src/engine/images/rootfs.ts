// Containers' root filesystems: an overlayfs per container with the image's layers as lower dirs
// and an upper/work dir of its own under overlay/containers/<id>/. The mount runs with its cwd in
// overlay/ so lowerdir= can name layers by short relative links (l/<24 hex>): a page holds ~150.
import { open, readFile, rename, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition, notFound } from '../../common/errors.js';
import { ensureDir, exists, fsyncDir, listDir, randomName, readJsonIfExists, run, treeSize } from './fsutil.js';
import type { Layout } from './layout.js';
import type { LayerStore } from './layers.js';
import { hostAgent, MNT_DETACH } from '../runtime/host-agent.js';

/** What a container's rootfs rests on, recorded so its layers outlive a forced `rmi`. */
export interface ContainerRootfsRecord {
  containerId: string;
  imageId: string;
  /** Chain IDs of the image's layers, bottom first. */
  chain: string[];
}

const PAGE_LIMIT = 4096;

export class RootfsManager {
  constructor(
    private readonly layout: Layout,
    private readonly layers: LayerStore,
    private readonly chainOf: (imageId: string) => Promise<string[]>,
    /** The store's metadata lock: held only while a record is written, so GC sees it before it counts. */
    private readonly locked: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  merged(containerId: string): string { return join(this.layout.containerDir(containerId), 'merged'); }

  async mount(containerId: string, imageId: string): Promise<string> {
    checkId(containerId);
    const dir = this.layout.containerDir(containerId);
    const merged = join(dir, 'merged');
    if (await isMountPoint(merged)) return merged;
    let record = await this.record(containerId);
    if (!record || record.imageId !== imageId) record = await this.writeRecord(dir, containerId, imageId);
    for (const c of record.chain) {
      if (!(await this.layers.has(c))) throw notFound(`layer ${c} of image ${imageId} is missing`);
      await this.layers.ensureLink(c);
    }
    for (const d of ['upper', 'work', 'merged']) await mkdir(join(dir, d), { recursive: true, mode: 0o755 });
    const lower = record.chain.length === 0 ? 'empty' : record.chain.map((c) => this.layout.linkName(c)).reverse().join(':');
    const rel = `containers/${containerId}`;
    const options = `lowerdir=${lower},upperdir=${rel}/upper,workdir=${rel}/work`;
    if (options.length >= PAGE_LIMIT) throw failedPrecondition(`image ${imageId} has too many layers for an overlay mount (${record.chain.length})`);
    // Through the host helper (no process per mount); the binary where there is none.
    const agent = hostAgent();
    if (agent.available) await agent.mount(this.layout.overlay, 'overlay', merged, 'overlay', 0, options);
    else await run('mount', ['-t', 'overlay', 'overlay', '-o', options, merged], { cwd: this.layout.overlay });
    return merged;
  }

  /**
   * rootfs.json, written as an atomic write would (temp file, fsync, rename, fsync of the directory)
   * but with only the rename under the store's lock: garbage collection counts the records there,
   * so the record must appear in the same locked step that sees the image's chain. The fsyncs
   * happen outside it: 20 containers starting at once queued ~1 s of them behind that lock.
   */
  private async writeRecord(dir: string, containerId: string, imageId: string): Promise<ContainerRootfsRecord> {
    const r: ContainerRootfsRecord = { containerId, imageId, chain: await this.chainOf(imageId) };
    await ensureDir(dir);
    const tmp = join(dir, `.tmp-rootfs.json-${randomName()}`);
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(r));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.locked(async () => {
        const chain = await this.chainOf(imageId); // the image may have gone meanwhile (not_found)
        if (chain.join() !== r.chain.join()) throw notFound(`image ${imageId} changed while its container's rootfs was prepared`);
        await rename(tmp, join(dir, 'rootfs.json'));
      });
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await fsyncDir(dir);
    return r;
  }

  async record(containerId: string): Promise<ContainerRootfsRecord | undefined> {
    checkId(containerId);
    return readJsonIfExists<ContainerRootfsRecord>(join(this.layout.containerDir(containerId), 'rootfs.json'));
  }

  async unmount(containerId: string): Promise<void> {
    checkId(containerId);
    const merged = this.merged(containerId);
    if (!(await isMountPoint(merged))) return;
    // Detached (MNT_DETACH), as Docker's overlay2 driver does: no wait for a sync, and a process
    // still holding the rootfs (a late exec) cannot make stop or rm fail; the kernel frees it after.
    const agent = hostAgent();
    if (agent.available) await agent.umount(merged, MNT_DETACH);
    else await run('umount', ['-l', merged]);
  }

  async remove(containerId: string): Promise<void> {
    await this.unmount(containerId);
    await rm(this.layout.containerDir(containerId), { recursive: true, force: true });
  }

  async size(containerId: string): Promise<number> {
    checkId(containerId);
    const upper = join(this.layout.containerDir(containerId), 'upper');
    if (!(await exists(upper))) throw notFound(`No such container: ${containerId}`);
    return treeSize(upper);
  }

  /** Every container's record: their chains keep layers alive. */
  async records(): Promise<ContainerRootfsRecord[]> {
    const out: ContainerRootfsRecord[] = [];
    for (const id of await listDir(this.layout.containers)) {
      const r = await readJsonIfExists<ContainerRootfsRecord>(join(this.layout.containerDir(id), 'rootfs.json'));
      if (r) out.push(r);
    }
    return out;
  }
}

function checkId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id)) throw notFound(`No such container: ${id}`);
}

/** Mount points from /proc/self/mountinfo (field 5, octal-escaped). */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4 && unescapeMount(f[4]) === path) return true;
  }
  return false;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
