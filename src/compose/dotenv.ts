// `.env` files as Compose reads them: KEY=VALUE lines, `export` prefix, `#` comments (a ` #` ends
// an unquoted value), single quotes (literal), double quotes (escapes, multi-line, interpolation),
// `KEY` alone inherits from the lookup, and `${VAR}` inside values refers to the environment or
// to keys defined earlier in the same file.
import { substitute, type Lookup, type SubstituteOptions } from './template.js';

export class DotenvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u0085' || c === '\u00a0';
const isUnicodeSpace = (c: string) => /\s/u.test(c);

/**
 * Parses `text` into `out` (later keys win). `lookup` answers variables not defined in the file;
 * the environment passed in has precedence over the file's own earlier keys, as in Compose.
 */
export function parseDotenv(text: string, lookup: Lookup = () => undefined, out: Record<string, string> = {}, opts: SubstituteOptions = {}): Record<string, string> {
  let src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  const expand = (v: string) =>
    substitute(v, (k) => lookup(k) ?? (Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined), opts);

  for (;;) {
    // skip whitespace and comment lines
    let pos = 0;
    for (;;) {
      while (pos < src.length && isUnicodeSpace(src[pos])) {
        if (src[pos] === '\n') line++;
        pos++;
      }
      if (pos < src.length && src[pos] === '#') {
        const nl = src.indexOf('\n', pos);
        if (nl < 0) {
          pos = src.length;
          break;
        }
        pos = nl;
        continue;
      }
      break;
    }
    src = src.slice(pos);
    if (src === '') break;

    // key
    if (/^export\s+/.test(src)) src = src.slice('export'.length).replace(/^[ \t\v\f\r\u0085\u00a0]+/, '');
    let keyEnd = -1;
    let inherited = false;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (isSpace(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        keyEnd = i;
        inherited = c === '\n';
        break;
      }
      if (c === '_' || c === '.' || c === '-' || c === '[' || c === ']' || /[\p{L}\p{N}]/u.test(c)) continue;
      throw new DotenvSyntaxError(line, `unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(src.split('\n')[0])}`);
    }
    if (keyEnd < 0) {
      // last line without '=': an inherited key
      keyEnd = src.length;
      inherited = true;
    }
    const key = src.slice(0, keyEnd).replace(/\s+$/u, '');
    if (key.includes(' ')) throw new DotenvSyntaxError(line, 'key cannot contain a space');
    let rest = src.slice(keyEnd + 1);
    if (inherited) {
      line++;
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      src = rest;
      continue;
    }
    rest = rest.replace(/^[ \t\v\f\r\u0085\u00a0]+/, '');

    // value
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      const nl = rest.indexOf('\n');
      let value = nl < 0 ? rest : rest.slice(0, nl);
      src = nl < 0 ? '' : rest.slice(nl + 1);
      line++;
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash);
      value = value.replace(/\s+$/u, '');
      out[key] = expand(value);
      continue;
    }
    let chars = '';
    let escaped = false;
    let closed = -1;
    const startLine = line;
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i];
      if (c === '\n') line++;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      closed = i;
      break;
    }
    if (closed < 0) {
      const nl = rest.indexOf('\n');
      throw new DotenvSyntaxError(startLine, `unterminated quoted value ${nl < 0 ? rest : rest.slice(0, nl)}`);
    }
    out[key] = quote === '"' ? expand(expandEscapes(chars)) : chars;
    src = rest.slice(closed + 1);
  }
  return out;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', c: '\\c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

/** Backslash escapes inside double quotes; `\$` stays an escaped dollar for interpolation. */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (m) => {
    const c = m[1];
    if (c === '$') return '$$';
    if (c === '0') {
      const digits = m.slice(2);
      return digits.length === 3 ? String.fromCharCode(parseInt(digits, 8)) : `\\${digits}`;
    }
    return ESCAPES[c] ?? m;
  });
}
