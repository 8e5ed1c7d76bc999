// A registry's error answers ({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})
// become BerthErrors worded as Docker words them ("manifest unknown: manifest unknown").
import type { IncomingMessage } from 'node:http';
import { BerthError, type ErrorKind } from '../../common/errors.js';
import { parseChallenges } from './challenge.js';
import { readAll } from './http.js';

interface RegistryErrorBody { errors?: { code?: string; message?: string; detail?: unknown }[] }

export interface RegistryErrorInfo { status: number; codes: string[]; text: string }

export async function readRegistryError(res: IncomingMessage): Promise<RegistryErrorInfo> {
  const body = res.method === 'HEAD' ? Buffer.alloc(0) : await readAll(res, 1 << 20).catch(() => Buffer.alloc(0));
  const status = res.statusCode ?? 0;
  let codes: string[] = [];
  let text = '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as RegistryErrorBody;
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      codes = parsed.errors.map((e) => e.code ?? 'UNKNOWN');
      text = parsed.errors.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`).join('; ');
    }
  } catch { /* not JSON */ }
  if (!text) text = statusText(status);
  // An OAuth error in the challenge says more than the body (RFC 6750 §3), as Docker reads it: a
  // token without the access asked for is "denied", a bad token "unauthorized".
  if (status >= 400 && status < 500) {
    for (const c of parseChallenges(res.headers['www-authenticate'])) {
      const oauth = c.params.error;
      if (oauth === 'insufficient_scope') return { status, codes: ['DENIED'], text: `denied: ${c.params.error_description || 'requested access to the resource is denied'}` };
      if (oauth === 'invalid_token') return { status, codes: ['UNAUTHORIZED'], text: `unauthorized: ${c.params.error_description || 'authentication required'}` };
    }
  }
  return { status, codes, text };
}

function statusText(status: number): string {
  const known: Record<number, string> = {
    401: 'unauthorized: authentication required', 403: 'denied: requested access to the resource is denied',
    404: 'not found', 405: 'unsupported: The operation is unsupported.',
  };
  return known[status] ?? `unexpected status code ${status}`;
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 400) return 'invalid_argument';
  if (status === 405) return 'not_implemented';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'internal';
}

export function registryError(info: RegistryErrorInfo, message = info.text): BerthError {
  const kind = info.codes.includes('DENIED') ? 'permission_denied' : kindForStatus(info.status);
  return new BerthError(kind, message, { status: info.status, codes: info.codes });
}

/** Go's net/http verb spelling in errors: `Get "url": …`, `Head`, `Post`. */
export function verbOf(method: string): string {
  return method[0] + method.slice(1).toLowerCase();
}
