// X-Registry-Auth: base64url(JSON {username, password, serveraddress, identitytoken, registrytoken}),
// as the docker CLI sends it; an empty or "{}" header means no credentials.
import { invalidArgument } from '../../../common/errors.js';
import type { RegistryAuth } from '../../../engine/registry/types.js';

export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw || raw.trim() === '') return undefined;
  let parsed: Record<string, unknown>;
  try {
    const json = Buffer.from(raw.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw invalidArgument('invalid X-Registry-Auth header: not base64-encoded JSON');
  }
  return authFromJson(parsed);
}

/** The fields Docker's AuthConfig has, whatever their case in the body of POST /auth. */
export function authFromJson(body: Record<string, unknown>): RegistryAuth | undefined {
  const lower = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  const str = (k: string) => (typeof lower[k] === 'string' && lower[k] !== '' ? (lower[k] as string) : undefined);
  let username = str('username');
  let password = str('password');
  // "auth" is base64("user:password"), as config.json stores it.
  const auth = str('auth');
  if (!username && auth) {
    const plain = Buffer.from(auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { username = plain.slice(0, i); password = plain.slice(i + 1); }
  }
  const out: RegistryAuth = {
    ...(username ? { username } : {}), ...(password ? { password } : {}),
    ...(str('serveraddress') ? { serveraddress: str('serveraddress') } : {}),
    ...(str('identitytoken') ? { identitytoken: str('identitytoken') } : {}),
    ...(str('registrytoken') ? { registrytoken: str('registrytoken') } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}
