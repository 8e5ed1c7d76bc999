// Manifests as registries serve them: Docker schema2 and OCI image manifests, Docker manifest lists
// and OCI indexes (resolved to one platform). Schema1 is refused, as Docker 28 refuses it.
import { invalidArgument, notFound, notImplemented } from '../../../common/errors.js';
import { MEDIA, type Descriptor, type OciIndex, type OciManifest, type Platform } from '../image-config.js';

export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const SCHEMA1 = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

export const MANIFEST_ACCEPT = [MEDIA.dockerManifestList, MEDIA.index, MEDIA.dockerManifest, MEDIA.manifest].join(', ');

const LAYER_TYPES = new Set<string>([
  DOCKER_LAYER_GZIP, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, MEDIA.layer,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
]);

export type Fetched = { kind: 'index'; index: OciIndex } | { kind: 'manifest'; manifest: OciManifest };

/** Tells an index from an image manifest by media type (header, then body) and checks its shape. */
export function classify(bytes: Buffer, contentType: string | undefined, ref: string): Fetched {
  let body: { mediaType?: string; schemaVersion?: number; manifests?: unknown; layers?: unknown; config?: unknown };
  try {
    body = JSON.parse(bytes.toString('utf8')) as typeof body;
  } catch {
    throw invalidArgument(`invalid manifest for ${ref}: not JSON`);
  }
  const type = body.mediaType ?? contentType?.split(';')[0].trim();
  if ((type && SCHEMA1.includes(type)) || body.schemaVersion === 1) {
    throw notImplemented(`[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of ${ref} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.`);
  }
  if (type === MEDIA.index || type === MEDIA.dockerManifestList || (type === undefined && Array.isArray(body.manifests))) {
    if (!Array.isArray(body.manifests)) throw invalidArgument(`invalid manifest list for ${ref}`);
    return { kind: 'index', index: body as unknown as OciIndex };
  }
  if (!Array.isArray(body.layers) || typeof body.config !== 'object' || body.config === null) throw invalidArgument(`invalid manifest for ${ref}: config or layers missing`);
  const manifest = body as unknown as OciManifest;
  for (const l of manifest.layers) {
    if (!LAYER_TYPES.has(l.mediaType)) throw notImplemented(`unsupported layer media type ${l.mediaType} in ${ref}`);
    checkDigest(l.digest);
  }
  checkDigest(manifest.config.digest);
  return { kind: 'manifest', manifest };
}

export function checkDigest(d: string): void {
  if (typeof d !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d)) throw invalidArgument(`unsupported or invalid digest ${String(d)}`);
}

/** The entry of an index for a platform, as containerd's matcher picks it (variant when asked). */
export function pickPlatform(index: OciIndex, want: Platform, ref: string): Descriptor {
  const candidates = index.manifests.filter((m) => !m.annotations?.['vnd.docker.reference.type'] && m.platform
    && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = want.variant ? candidates.find((m) => m.platform?.variant === want.variant) : undefined;
  const pick = exact ?? candidates.find((m) => !want.variant || !m.platform?.variant) ?? (want.variant ? undefined : candidates[0]);
  if (!pick) {
    const p = `${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''}`;
    throw notFound(`no matching manifest for ${p} in the manifest list entries`, { ref });
  }
  return pick;
}
