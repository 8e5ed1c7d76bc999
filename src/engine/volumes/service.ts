// VolumeService: named and anonymous volumes of the local driver. Each volume is a directory
// ${dataRoot}/volumes/<name>/ holding volume.json (written atomically) and _data, the path
// containers bind. Volumes with options (tmpfs, bind of a device) are mounted on _data at first
// use and unmounted when their last user lets go, as Docker's local driver does.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, invalidArgument, notFound, notImplemented } from '../../common/errors.js';
import { readJson, writeJsonAtomic } from '../../common/json-file.js';
import { SerialQueue } from '../network/serial-queue.js';
import { copyContent, isMountPoint, mountVolume, unmount } from './mounts.js';
import { ANONYMOUS_LABEL, type VolumeCreateOptions, type VolumeRecord, type VolumeServiceOptions } from './types.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const KNOWN_OPTS = new Set(['type', 'o', 'device']);

export class VolumeService {
  private readonly volumes = new Map<string, VolumeRecord>();
  /** volume name → container ids holding it mounted (in memory: a restarted daemon re-mounts on use) */
  private readonly users = new Map<string, Set<string>>();
  private readonly dir: string;
  private readonly queue = new SerialQueue();

  private constructor(private readonly opts: VolumeServiceOptions) {
    this.dir = join(opts.dataRoot, 'volumes');
  }

  static async open(opts: VolumeServiceOptions): Promise<VolumeService> {
    const s = new VolumeService(opts);
    await mkdir(s.dir, { recursive: true });
    for (const name of await readdir(s.dir)) {
      const rec = await readJson<VolumeRecord>(join(s.dir, name, 'volume.json'));
      if (rec) s.volumes.set(rec.name, rec);
      // A directory without a record is a create cut short: it never held data anyone was given.
      else if (!(await isMountPoint(join(s.dir, name, '_data')))) await rm(join(s.dir, name), { recursive: true, force: true });
    }
    return s;
  }

  /** Creates a volume; an existing name asked for with no options or the same ones is returned as is (Docker). */
  create(o: VolumeCreateOptions = {}): Promise<VolumeRecord> {
    return this.queue.run(async () => {
      const driver = o.driver ?? 'local';
      if (driver !== 'local') throw notImplemented(`volume driver "${driver}" is not supported (only local)`);
      const anonymous = !o.name;
      const name = o.name ?? randomBytes(32).toString('hex');
      if (!NAME_RE.test(name)) throw invalidArgument(`"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
      const options = o.options ?? {};
      const existing = this.volumes.get(name);
      if (existing) {
        // A use by name (-v name:/path) gives no options: the existing volume is meant, whatever its own.
        const differs = Object.keys(options).length > 0 && JSON.stringify(existing.options) !== JSON.stringify(options);
        if (differs) throw conflict(`volume ${name} already exists with different options`);
        return structuredClone(existing);
      }
      validateOptions(options);
      const rec: VolumeRecord = {
        name, driver: 'local', mountpoint: join(this.dir, name, '_data'), created: new Date().toISOString(),
        labels: { ...(o.labels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) }, options, scope: 'local',
      };
      await mkdir(rec.mountpoint, { recursive: true, mode: 0o755 });
      await writeJsonAtomic(join(this.dir, name, 'volume.json'), rec);
      this.volumes.set(name, rec);
      this.emit('create', name);
      return structuredClone(rec);
    });
  }

  list(): VolumeRecord[] {
    return [...this.volumes.values()].map((v) => structuredClone(v));
  }

  get(name: string): VolumeRecord {
    const v = this.volumes.get(name);
    if (!v) throw notFound(`get ${name}: no such volume`); // Docker's text (its volume store's "get" error)
    return structuredClone(v);
  }

  /** Container ids using the volume: records that name it plus current mounts. */
  async inUseBy(name: string): Promise<string[]> {
    const fromRecords = (await this.opts.containersUsing?.(name)) ?? [];
    return [...new Set([...fromRecords, ...(this.users.get(name) ?? [])])];
  }

  remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      const v = this.volumes.get(name);
      if (!v) {
        if (opts.force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = await this.inUseBy(name);
      if (users.length > 0 && !opts.force) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.drop(v);
    });
  }

  /** Removes unused volumes: anonymous ones only, unless `all` (Docker ≥ 23); label filters as key=value. */
  prune(opts: { all?: boolean; labels?: Record<string, string> } = {}): Promise<{ deleted: string[] }> {
    return this.queue.run(async () => {
      const deleted: string[] = [];
      for (const v of [...this.volumes.values()]) {
        if (!opts.all && !(ANONYMOUS_LABEL in v.labels)) continue;
        if (opts.labels && Object.entries(opts.labels).some(([k, val]) => v.labels[k] !== val)) continue;
        if ((await this.inUseBy(v.name)).length > 0) continue;
        await this.drop(v);
        deleted.push(v.name);
      }
      return { deleted };
    });
  }

  /**
   * A container starts using the volume: mounts it when it has options and is not mounted yet;
   * returns the host path to bind. With `populateFrom` (the image's content at the mount target)
   * an empty volume is first filled with it, as Docker does unless `nocopy`.
   */
  mount(name: string, containerId: string, populateFrom?: string): Promise<string> {
    return this.queue.run(async () => {
      const v = this.volumes.get(name);
      if (!v) throw notFound(`get ${name}: no such volume`);
      if (Object.keys(v.options).length > 0 && !(await isMountPoint(v.mountpoint))) await mountVolume(v.options, v.mountpoint);
      const users = this.users.get(name) ?? new Set<string>();
      users.add(containerId);
      this.users.set(name, users);
      this.emit('mount', name, { container: containerId });
      if (populateFrom && existsSync(populateFrom) && statSync(populateFrom).isDirectory() && (await readdir(v.mountpoint)).length === 0) {
        await copyContent(populateFrom, v.mountpoint);
      }
      return v.mountpoint;
    });
  }

  /** A container stopped using the volume: unmounts an option volume when nobody else uses it. */
  unmount(name: string, containerId: string): Promise<void> {
    return this.queue.run(async () => {
      const v = this.volumes.get(name);
      const users = this.users.get(name);
      if (users?.delete(containerId)) this.emit('unmount', name, { container: containerId });
      if (users?.size === 0) this.users.delete(name);
      if (v && !this.users.has(name) && Object.keys(v.options).length > 0 && (await isMountPoint(v.mountpoint))) await unmount(v.mountpoint);
    });
  }

  private async drop(v: VolumeRecord): Promise<void> {
    if (await isMountPoint(v.mountpoint)) await unmount(v.mountpoint);
    await rm(join(this.dir, v.name), { recursive: true, force: true });
    this.volumes.delete(v.name);
    this.users.delete(v.name);
    this.emit('destroy', v.name);
  }

  private emit(action: string, name: string, extra: Record<string, string> = {}): void {
    this.opts.events?.publish('volume', action, name, { driver: 'local', ...extra });
  }
}

function validateOptions(options: Record<string, string>): void {
  for (const k of Object.keys(options)) {
    if (!KNOWN_OPTS.has(k)) throw invalidArgument(`invalid option key: "${k}" (the local driver takes type, o, device)`);
  }
  if (Object.keys(options).length === 0) return;
  const type = options.type;
  if (!type) throw invalidArgument('missing required option: "type"');
  const binding = (options.o ?? '').split(',').includes('bind');
  if (type !== 'tmpfs' && !options.device) throw invalidArgument('missing required option: "device"');
  if (binding && !existsSync(options.device!)) throw invalidArgument(`bind source path does not exist: ${options.device}`);
}
