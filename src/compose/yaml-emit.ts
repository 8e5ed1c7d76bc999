// A YAML writer that formats like Go's yaml.v3 encoder with indent 2, so `config` output matches
// `docker compose config` byte for byte: block style, sequences indented under their key,
// strings quoted only when they would otherwise read back as another type or are not plain-safe.

/** A mapping whose key order is already decided. */
export class Ordered {
  constructor(readonly entries: Array<[string, unknown]>) {}
}

const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/** Would yaml.v3 read this plain scalar back as something other than a string? */
function resolvesToNonString(s: string): boolean {
  // Only these first characters can start a null, bool, number or timestamp: skip the rest fast.
  if (s !== '' && !'0123456789+-.~tfnyoTFNYO'.includes(s[0])) return false;
  if (NULLS.has(s) || BOOLS.has(s) || OLD_BOOLS.has(s)) return true;
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(s) || /^(\.nan|\.NaN|\.NAN)$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?[0-9]+$/.test(plain)) return true;
  if (/^[-+]?0b[01]+$/.test(plain) || /^[-+]?0o?[0-7]+$/.test(plain) || /^[-+]?0x[0-9a-fA-F]+$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true; // YAML 1.1 base 60
  // yaml.v3 resolves unquoted dates and times as timestamps.
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/.test(s)) return true;
  return false;
}

const isSpecial = (c: number) =>
  !(c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || c >= 0x10000);

type Style = 'plain' | 'single' | 'double' | 'literal';

/** Plain-safe at a glance: word characters and a few punctuation marks, no indicator first. */
const SIMPLE_PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./@=,+-]*$/;

function chooseStyle(s: string): Style {
  if (s === '' || resolvesToNonString(s)) return 'double';
  if (SIMPLE_PLAIN.test(s)) return 'plain';
  let special = false;
  let tabs = false;
  let lineBreak = false;
  let spaceBreak = false;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\n') lineBreak = true;
    else if (ch === '\t') tabs = true;
    else if (isSpecial(c)) special = true;
  }
  if (/ \n/.test(s)) spaceBreak = true;
  // A carriage return is a line break to YAML but not to Go's literal-style check: quote it.
  if (s.includes('\r')) return 'double';
  if (lineBreak) return spaceBreak || special ? 'double' : 'literal';
  if (special) return 'double';
  let plain = !tabs;
  const first = s[0];
  const second = s[1];
  const followedBySpace = second === undefined || second === ' ';
  if ('#,[]{}&*!|>\'"%@`'.includes(first)) plain = false;
  if ((first === '?' || first === ':' || first === '-') && followedBySpace) plain = false;
  if (s.startsWith('---') || s.startsWith('...')) plain = false;
  if (s.startsWith(' ') || s.endsWith(' ')) plain = false;
  if (/: |:$/.test(s) || / #/.test(s)) plain = false;
  if (plain) return 'plain';
  return tabs ? 'double' : 'single';
}

function doubleQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 0) out += '\\0';
    else if (isSpecial(c)) out += c <= 0xff ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function formatScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  const s = String(v);
  switch (chooseStyle(s)) {
    case 'plain':
      return s;
    case 'single':
      return `'${s.replace(/'/g, "''")}'`;
    default:
      return doubleQuote(s);
  }
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const ev = Number(e);
    return `${m}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  }
  return String(n);
}

function literal(s: string, indent: number): string {
  let chomp = '-';
  let body = s;
  if (s.endsWith('\n')) {
    body = s.slice(0, -1);
    chomp = body.endsWith('\n') ? '+' : '';
  }
  const indicator = s.startsWith(' ') ? '2' : '';
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  return `|${indicator}${chomp}\n${lines.join('\n')}`;
}

const isEmptyCollection = (v: unknown) =>
  (v instanceof Ordered && v.entries.length === 0) || (Array.isArray(v) && v.length === 0);

function isMultiline(v: unknown): v is string {
  return typeof v === 'string' && v.includes('\n') && chooseStyle(v) === 'literal';
}

function emitInline(v: unknown, indent: number): string {
  if (v instanceof Ordered) return v.entries.length === 0 ? '{}' : '';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '';
  if (isMultiline(v)) return literal(v, indent);
  return formatScalar(v);
}

// Mapping keys repeat (image, networks, target...): format each once.
const keyCache = new Map<string, string>();
function formatKey(k: string): string {
  let f = keyCache.get(k);
  if (f === undefined) {
    f = formatScalar(k);
    if (keyCache.size < 10000) keyCache.set(k, f);
  }
  return f;
}

function emitNode(v: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (v instanceof Ordered) {
    for (const [k, val] of v.entries) {
      const key = formatKey(k);
      if ((val instanceof Ordered || Array.isArray(val)) && !isEmptyCollection(val)) {
        out.push(`${pad}${key}:`);
        emitNode(val, indent + 2, out);
      } else out.push(`${pad}${key}: ${emitInline(val, indent + 2)}`);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) {
      if ((item instanceof Ordered || Array.isArray(item)) && !isEmptyCollection(item)) {
        const sub: string[] = [];
        emitNode(item, indent + 2, sub);
        sub[0] = `${pad}- ${sub[0].slice(indent + 2)}`;
        out.push(...sub);
      } else out.push(`${pad}- ${emitInline(item, indent + 2)}`);
    }
  } else out.push(pad + emitInline(v, indent));
}

/** Serialises a document (an Ordered mapping at the top) the way yaml.v3 does. */
export function emitYaml(doc: unknown): string {
  const out: string[] = [];
  emitNode(doc, 0, out);
  return `${out.join('\n')}\n`;
}

/** Go's json.Marshal(v): compact, HTML-safe escapes. */
export function emitJsonCompact(doc: unknown): string {
  const write = (v: unknown): string => {
    if (v instanceof Ordered) return `{${v.entries.map(([k, e]) => `${jsonString(k)}:${write(e)}`).join(',')}}`;
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number') return formatNumber(v);
    if (typeof v === 'boolean') return String(v);
    return jsonString(String(v));
  };
  return write(doc);
}

/** Go's json.MarshalIndent(v, "", "  "), including its HTML-safe escapes. */
export function emitJson(doc: unknown): string {
  const toPlain = (v: unknown): unknown => {
    if (v instanceof Ordered) return v;
    return v;
  };
  const write = (v: unknown, indent: string): string => {
    v = toPlain(v);
    if (v instanceof Ordered) {
      if (v.entries.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${v.entries.map(([k, e]) => `${inner}${jsonString(k)}: ${write(e, inner)}`).join(',\n')}\n${indent}}`;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const inner = indent + '  ';
      return `[\n${v.map((e) => `${inner}${write(e, inner)}`).join(',\n')}\n${indent}]`;
    }
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number') return formatNumber(v);
    if (typeof v === 'boolean') return String(v);
    return jsonString(String(v));
  };
  return write(doc, '');
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
