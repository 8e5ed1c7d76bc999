// Compose loading errors: one line that names the file, the line and the path inside the model,
// so a user can open the file at the right place. All are BerthError `invalid_argument`.
import { BerthError } from '../common/errors.js';

/** Where in the user's files something was found. Every part is optional. */
export interface SourceLocation {
  file?: string;
  line?: number;
  path?: string;
}

/** Formats `file:line: path: message`, leaving out the parts that are unknown. */
export function formatLocated(message: string, loc: SourceLocation = {}): string {
  const where = loc.file ? (loc.line ? `${loc.file}:${loc.line}` : loc.file) : '';
  const parts = [where, loc.path ?? ''].filter((p) => p !== '');
  return parts.length > 0 ? `${parts.join(': ')}: ${message}` : message;
}

export function composeError(message: string, loc: SourceLocation = {}): BerthError {
  return new BerthError('invalid_argument', formatLocated(message, loc), { ...loc, reason: message });
}

/** The inverse of formatPath: `services.web.ports[1]` → ['services', 'web', 'ports', 1]. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== '') out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Renders a model path (`['services','web','ports',1]`) as Compose prints it: `services.web.ports[1]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
