// Host bind mounts (`-v /host:/ctr[:ro]`, `--mount type=bind|tmpfs`) as OCI mounts and as the
// record's `mounts` for inspect. Named and anonymous volumes are src/engine/containers/volume-mounts.ts's:
// they are only validated here.
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { ContainerRecord, ContainerSpec } from '../types.js';
import { invalidArgument } from '../../common/errors.js';
import type { OciMount } from './bundle.js';

type RecordMount = ContainerRecord['mounts'][number];

function bindOptions(rw: boolean, propagation: string): string[] {
  return ['rbind', rw ? 'rw' : 'ro', propagation || 'rprivate'];
}

/** Parses binds and mounts; returns what to mount and what inspect shows. */
export function planHostMounts(host: ContainerSpec['host']): { oci: OciMount[]; mounts: RecordMount[] } {
  const oci: OciMount[] = [];
  const mounts: RecordMount[] = [];
  for (const b of host.binds ?? []) {
    const parts = b.split(':');
    if (parts.length === 1 && isAbsolute(b)) continue; // "/path": an anonymous volume
    if (parts.length < 2 || parts.length > 3) throw invalidArgument(`invalid volume specification: '${b}'`);
    const [src, dst, mode = ''] = parts;
    if (!isAbsolute(dst)) throw invalidArgument(`invalid volume specification: '${b}': invalid mount config for type "bind": invalid mount path: '${dst}' mount path must be absolute`);
    if (!isAbsolute(src)) continue; // a named volume
    const opts = mode.split(',').filter(Boolean);
    const rw = !opts.includes('ro');
    const propagation = opts.find((o) => /^r?(shared|slave|private)$/.test(o)) ?? '';
    oci.push({ destination: dst, type: 'bind', source: src, options: bindOptions(rw, propagation) });
    mounts.push({ type: 'bind', source: src, destination: dst, mode, rw, propagation: propagation || 'rprivate' });
  }
  for (const m of host.mounts ?? []) {
    if (!isAbsolute(m.target)) throw invalidArgument(`invalid mount config: mount path must be absolute: ${m.target}`);
    if (m.type === 'bind') {
      if (!isAbsolute(m.source)) throw invalidArgument(`invalid mount config for type "bind": invalid mount path: '${m.source}' mount path must be absolute`);
      oci.push({ destination: m.target, type: 'bind', source: m.source, options: bindOptions(!m.readOnly, m.options.propagation ?? '') });
      mounts.push({ type: 'bind', source: m.source, destination: m.target, mode: '', rw: !m.readOnly, propagation: m.options.propagation || 'rprivate' });
    } else if (m.type === 'tmpfs') {
      const o = ['nosuid', 'nodev', m.readOnly ? 'ro' : 'rw'];
      if (m.options.tmpfsSize) o.push(`size=${m.options.tmpfsSize}`);
      if (m.options.tmpfsMode) o.push(`mode=${m.options.tmpfsMode.toString(8)}`);
      oci.push({ destination: m.target, type: 'tmpfs', source: 'tmpfs', options: o });
      mounts.push({ type: 'tmpfs', source: '', destination: m.target, mode: '', rw: !m.readOnly, propagation: '' });
    }
  }
  return { oci, mounts };
}

/** Bind sources must exist; `-v` creates a missing host directory as Docker does. */
export function ensureBindSources(host: ContainerSpec['host']): void {
  for (const b of host.binds ?? []) {
    const src = b.split(':')[0];
    if (isAbsolute(src) && !existsSync(src)) mkdirSync(src, { recursive: true });
  }
  for (const m of host.mounts ?? []) {
    if (m.type === 'bind' && !existsSync(m.source)) {
      if (m.options.createHostPath) mkdirSync(m.source, { recursive: true });
      else throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
    }
  }
}
