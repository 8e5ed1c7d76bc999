// A registry's error answers ({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})
// become BerthErrors worded as Docker words them ("manifest unknown: manifest unknown").
import type { IncomingMessage } from 'node:http';
import { BerthError, type ErrorKind } from '../../common/errors.js';
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
  return new BerthError(kindForStatus(info.status), message, { status: info.status, codes: info.codes });
}
