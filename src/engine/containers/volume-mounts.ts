// A container's mounts beyond its rootfs, as docs/network.md "Volumes" says. At create they are
// fixed in the record in Docker's order of precedence: what -v/--mount name explicitly, then what
// --volumes-from copies, then an anonymous volume for every VOLUME path (the image's and `-v /path`)
// nothing else covers. At start volumes are mounted (an empty one filled from the image first) and
// everything becomes OCI mounts; when the process is gone volumes are let go; rm -v takes the
// anonymous ones.
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { ContainerRecord, ContainerSpec } from '../types.js';
import type { VolumeService } from '../volumes/service.js';
import { ANONYMOUS_LABEL } from '../volumes/types.js';
import type { OciMount } from '../runtime/bundle.js';
import { planHostMounts } from '../runtime/binds.js';
import { invalidArgument } from '../../common/errors.js';

type RecordMount = ContainerRecord['mounts'][number];

const dest = (p: string) => normalize(p).replace(/(.)\/$/, '$1');

/**
 * Every mount of a new container: host binds and tmpfs (already planned), named and anonymous
 * volumes (created here, so their names are fixed in the record), --volumes-from copies.
 * `lookup` finds the record of a --volumes-from container (throws not_found as Docker does).
 */
export async function createContainerMounts(
  volumes: VolumeService, spec: ContainerSpec, imageVolumes: string[], lookup: (ref: string) => ContainerRecord,
): Promise<RecordMount[]> {
  const host = spec.host;
  const out: RecordMount[] = [...planHostMounts(host).mounts];
  const taken = () => new Set([...out.map((m) => dest(m.destination)), ...Object.keys(host.tmpfs ?? {}).map(dest)]);
  const add = async (name: string, dst: string, rw: boolean, mode: string, opts: { labels?: Record<string, string>; driver?: string; options?: Record<string, string>; subpath?: string } = {}) => {
    const v = await volumes.create({ name: name || undefined, labels: opts.labels, driver: opts.driver, options: opts.options });
    out.push({ type: 'volume', name: v.name, source: v.mountpoint, destination: dst, mode, rw, propagation: '', driver: 'local', ...(opts.subpath ? { subpath: opts.subpath } : {}) });
  };
  for (const b of host.binds ?? []) {
    const [src = '', dst = '', mode = ''] = b.split(':');
    if (isAbsolute(src) && dst) continue; // a host bind
    if (!dst) await add('', src, true, ''); // "/path": anonymous
    else await add(src, dst, !mode.split(',').includes('ro'), mode);
  }
  for (const m of host.mounts ?? []) {
    if (m.type !== 'volume') continue;
    const o = m.options;
    await add(m.source, m.target, !m.readOnly, o.noCopy ? 'nocopy' : '', { labels: o.volumeLabels, driver: o.volumeDriver, options: o.volumeDriverOptions, subpath: o.subpath });
  }
  for (const ref of host.volumesFrom ?? []) {
    const [name = '', mode = ''] = ref.split(':');
    if (mode && mode !== 'ro' && mode !== 'rw') throw invalidArgument(`invalid mode for volumes-from: ${mode}`);
    const from = lookup(name);
    const have = taken();
    for (const m of from.mounts) {
      if (m.type === 'tmpfs' || have.has(dest(m.destination))) continue;
      out.push({ ...m, rw: mode ? mode === 'rw' : m.rw, mode: mode || m.mode });
    }
  }
  const have = taken();
  for (const path of imageVolumes) {
    if (!isAbsolute(path) || have.has(dest(path))) continue;
    await add('', path, true, '');
  }
  return out;
}

/**
 * At start: the OCI mounts for the record's mounts — binds and tmpfs as planned from the spec,
 * binds copied by --volumes-from, volumes mounted (filled from the image at first use unless
 * nocopy) — parents before children, as Docker sorts them.
 */
export async function containerOciMounts(volumes: VolumeService, rec: ContainerRecord, rootfs: string): Promise<OciMount[]> {
  const oci = planHostMounts(rec.spec.host).oci;
  const planned = new Set(oci.map((m) => dest(m.destination)));
  for (const m of rec.mounts) {
    if (m.type === 'bind' && !planned.has(dest(m.destination))) {
      oci.push({ destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.rw ? 'rw' : 'ro', m.propagation || 'rprivate'] });
    }
    if (m.type !== 'volume' || !m.name) continue;
    // A subpath mount shows part of the volume: the image's content is not copied into it (Docker neither).
    const nocopy = m.mode.split(',').includes('nocopy') || !!m.subpath;
    const path = await volumes.mount(m.name, rec.id, nocopy ? undefined : join(rootfs, m.destination));
    const source = m.subpath ? await subpathIn(path, m.subpath) : path; // a failed start lets the volumes go
    oci.push({ destination: m.destination, type: 'bind', source, options: ['rbind', m.rw ? 'rw' : 'ro', 'rprivate'] });
  }
  const depth = (p: string) => dest(p).split('/').length;
  return oci.sort((a, b) => depth(a.destination) - depth(b.destination));
}

/**
 * The directory `subpath` inside a mounted volume, symlinks resolved: it must exist, be a directory
 * or file, and stay inside the volume (a link pointing out of it is refused, as Docker's safepath does).
 */
async function subpathIn(volumePath: string, subpath: string): Promise<string> {
  const root = await realpath(volumePath);
  const full = await realpath(join(root, subpath)).catch(() => {
    throw invalidArgument(`cannot access path ${join(volumePath, subpath)}: no such file or directory`);
  });
  const rel = relative(root, full);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) throw invalidArgument(`subpath ${subpath} of volume ${volumePath} points outside the volume`);
  return full;
}

export async function unmountVolumes(volumes: VolumeService, rec: ContainerRecord): Promise<void> {
  for (const m of rec.mounts) if (m.type === 'volume' && m.name) await volumes.unmount(m.name, rec.id);
}

/** rm -v: the container's anonymous volumes go with it; named ones stay. */
export async function removeAnonymousVolumes(volumes: VolumeService, rec: ContainerRecord): Promise<void> {
  for (const m of rec.mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    const v = volumes.list().find((x) => x.name === m.name);
    // Still used by another container (--volumes-from): kept, as Docker does.
    if (v && ANONYMOUS_LABEL in v.labels) await volumes.remove(v.name, { force: false }).catch(() => undefined);
  }
}
