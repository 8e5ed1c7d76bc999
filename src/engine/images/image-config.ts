// The OCI image config as stored (its sha256 is the image ID), the OCI manifest berth writes for
// each image, and the host platform in OCI's words.
import { arch } from 'node:process';
import { invalidArgument } from '../../common/errors.js';
import type { ImageHistoryEntry, OciImageConfig } from '../types.js';

export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export interface OciHistory { created?: string; created_by?: string; comment?: string; empty_layer?: boolean; author?: string }

/** application/vnd.oci.image.config.v1+json, plus the fields Docker adds. */
export interface OciImage {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: OciImageConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: OciHistory[];
  comment?: string;
  docker_version?: string;
  parent?: string;
  [k: string]: unknown;
}

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: Platform }
export interface OciManifest { schemaVersion: 2; mediaType?: string; config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> }
export interface OciIndex { schemaVersion: 2; mediaType?: string; manifests: Descriptor[]; annotations?: Record<string, string> }
export interface Platform { architecture: string; os: string; variant?: string }

const ARCH: Record<string, [string, string?]> = {
  x64: ['amd64'], arm64: ['arm64', 'v8'], arm: ['arm', 'v7'], ia32: ['386'], ppc64: ['ppc64le'], s390x: ['s390x'], riscv64: ['riscv64'],
};

export function hostPlatform(): Platform {
  const [architecture, variant] = ARCH[arch] ?? [arch];
  return { os: 'linux', architecture, ...(variant && architecture !== 'arm64' ? { variant } : {}) };
}

/** "linux/amd64[/v8]" → a platform; empty: the host's. */
export function parsePlatform(s: string | undefined): Platform {
  if (!s) return hostPlatform();
  const [os, architecture, variant] = s.toLowerCase().split('/');
  if (!os || os !== 'linux') throw invalidArgument(`"${s}": unsupported platform (only linux images run here)`);
  return { os, architecture: architecture || hostPlatform().architecture, ...(variant ? { variant } : {}) };
}

/** Validates what berth needs of a config it did not write. */
export function checkConfig(c: unknown): OciImage {
  const img = c as OciImage;
  if (!img || typeof img !== 'object' || !img.rootfs || !Array.isArray(img.rootfs.diff_ids)) {
    throw invalidArgument('invalid image config: rootfs.diff_ids missing');
  }
  for (const d of img.rootfs.diff_ids) if (!/^sha256:[a-f0-9]{64}$/.test(d)) throw invalidArgument(`invalid image config: bad diff id ${d}`);
  return img;
}

export function historyOf(img: OciImage): ImageHistoryEntry[] {
  return (img.history ?? []).map((h) => ({
    created: h.created, createdBy: h.created_by, comment: h.comment, emptyLayer: h.empty_layer, author: h.author,
  }));
}
