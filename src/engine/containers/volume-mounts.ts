// Named and anonymous volumes of a container (`-v name:/dst[:ro]`, `--mount type=volume`), as
// docs/network.md "Volumes" says: created with the container (so names are fixed in its record),
// mounted and bound at start, unmounted when its process is gone, anonymous ones removed by rm -v.
import { isAbsolute, join } from 'node:path';
import type { ContainerRecord, ContainerSpec } from '../types.js';
import type { VolumeService } from '../volumes/service.js';
import { ANONYMOUS_LABEL } from '../volumes/types.js';
import type { OciMount } from '../runtime/bundle.js';

type RecordMount = ContainerRecord['mounts'][number];

/** The warnings planHostMounts gives for volumes, which are handled here instead. */
export const isVolumeWarning = (w: string) => /^(named volume|volume) .* is not supported yet/.test(w);

/** Creates (or finds) every volume the spec names; returns their record mounts. */
export async function createVolumeMounts(volumes: VolumeService, host: ContainerSpec['host']): Promise<RecordMount[]> {
  const out: RecordMount[] = [];
  const add = async (name: string, dst: string, rw: boolean, mode: string, labels?: Record<string, string>) => {
    const v = await volumes.create({ name: name || undefined, labels });
    out.push({ type: 'volume', name: v.name, source: v.mountpoint, destination: dst, mode, rw, propagation: '', driver: 'local' });
  };
  for (const b of host.binds ?? []) {
    const [src = '', dst = '', mode = ''] = b.split(':');
    if (!src || isAbsolute(src)) continue;
    await add(src, dst, !mode.split(',').includes('ro'), mode);
  }
  for (const m of host.mounts ?? []) {
    if (m.type === 'volume') await add(m.source, m.target, !m.readOnly, m.options.noCopy ? 'nocopy' : '', m.options.volumeLabels);
  }
  return out;
}

/** At start: mounts each volume (filled from the image at first use unless nocopy); the OCI binds. */
export async function mountVolumes(volumes: VolumeService, rec: ContainerRecord, rootfs: string): Promise<OciMount[]> {
  const oci: OciMount[] = [];
  for (const m of rec.mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    const nocopy = m.mode.split(',').includes('nocopy');
    const path = await volumes.mount(m.name, rec.id, nocopy ? undefined : join(rootfs, m.destination));
    oci.push({ destination: m.destination, type: 'bind', source: path, options: ['rbind', m.rw ? 'rw' : 'ro', 'rprivate'] });
  }
  return oci;
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
