// Docker image references (distribution/reference's grammar, written anew): parse, normalise
// ("busybox" → "docker.io/library/busybox:latest") and print the familiar short form back.
import { invalidArgument } from '../../common/errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_MAX = 255;

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const namePat = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const REFERENCE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_HEX64 = /^[a-f0-9]{64}$/;
const TAG_ONLY = new RegExp(`^${tagPat}$`);

export interface ImageReference {
  /** Fully qualified repository name: "docker.io/library/busybox". */
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits the registry domain off a name the way the docker CLI does. */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let dom: string;
  let rest: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)) {
    dom = DEFAULT_DOMAIN;
    rest = name;
  } else {
    dom = first;
    rest = name.slice(i + 1);
  }
  if (dom === LEGACY_DOMAIN) dom = DEFAULT_DOMAIN;
  if (dom === DEFAULT_DOMAIN && !rest.includes('/')) rest = OFFICIAL_PREFIX + rest;
  return [dom, rest];
}

/** ParseNormalizedNamed: a user's reference → its fully qualified form. Throws invalid_argument. */
export function parseNormalizedNamed(s: string): ImageReference {
  if (ANCHORED_HEX64.test(s)) {
    throw invalidArgument(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [dom, rest] = splitDomain(s);
  if (rest.toLowerCase() !== rest) {
    throw invalidArgument(`invalid reference format: repository name (${rest}) must be lowercase`);
  }
  const m = REFERENCE.exec(`${dom}/${rest}`);
  if (!m) throw invalidArgument('invalid reference format');
  if (m[1].length > NAME_MAX) throw invalidArgument(`repository name must not be more than ${NAME_MAX} characters`);
  return { name: m[1], tag: m[2], digest: m[3] };
}

/** A reference that may also be a bare 64-hex id; returns null for such ids. */
export function parseAnyReference(s: string): ImageReference | null {
  if (ANCHORED_HEX64.test(s)) return null;
  return parseNormalizedNamed(s);
}

/** Adds the default tag when there is neither tag nor digest. */
export function tagNameOnly(r: ImageReference): ImageReference {
  return r.tag === undefined && r.digest === undefined ? { ...r, tag: DEFAULT_TAG } : r;
}

export function familiarName(name: string): string {
  let n = name;
  if (n.startsWith(`${DEFAULT_DOMAIN}/`)) {
    n = n.slice(DEFAULT_DOMAIN.length + 1);
    if (n.startsWith(OFFICIAL_PREFIX) && !n.slice(OFFICIAL_PREFIX.length).includes('/')) n = n.slice(OFFICIAL_PREFIX.length);
  }
  return n;
}

export function referenceString(r: ImageReference): string {
  return r.name + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/** "busybox:latest", as the docker CLI prints references. */
export function familiarString(r: ImageReference): string {
  return familiarName(r.name) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

export function isValidTag(tag: string): boolean {
  return TAG_ONLY.test(tag);
}

/** Normalises "name[:tag]" to the key the tag index uses: "docker.io/library/name:tag". */
export function normalizedTagKey(s: string): string {
  return referenceString(tagNameOnly(parseNormalizedNamed(s)));
}
