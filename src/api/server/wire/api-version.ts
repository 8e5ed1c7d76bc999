// Engine API version negotiation: the optional `/v1.xx` path prefix and the versions we advertise.
// A client may ask for any version between MIN and MAX; newer ones get Docker's own error.
import { BerthError } from '../../../common/errors.js';

export const API_VERSION = '1.44';
export const MIN_API_VERSION = '1.24';

/** Negative when a < b, 0 when equal, positive when a > b ("1.9" < "1.10"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const versionAtLeast = (v: string, min: string) => compareVersions(v, min) >= 0;

/**
 * Splits "/v1.43/containers/json" into the requested version and the route path.
 * Without a prefix the request is served at our own version, as Docker does.
 */
export function splitVersion(path: string): { version: string; path: string; explicit: boolean } {
  const m = /^\/v([0-9]+(?:\.[0-9]+)*)(\/.*)?$/.exec(path);
  if (!m) return { version: API_VERSION, path, explicit: false };
  const version = m[1];
  const rest = m[2] ?? '/';
  if (compareVersions(version, API_VERSION) > 0) {
    throw new BerthError('invalid_argument', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new BerthError('invalid_argument', `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: rest, explicit: true };
}
