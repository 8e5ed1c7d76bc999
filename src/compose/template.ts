// Variable substitution in one string, with Compose's syntax: $VAR, ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, ${VAR+alt}, nesting in the word part,
// and `$$` for a literal `$`. Unset plain variables become "" and are reported through `onUnset`.

export type Lookup = (name: string) => string | undefined;

export class MissingRequiredVariable extends Error {
  constructor(readonly variable: string, readonly reason: string) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

export class InvalidTemplate extends Error {
  constructor(readonly template: string) {
    super(`invalid interpolation format for ${JSON.stringify(template)}`);
  }
}

export interface SubstituteOptions {
  onUnset?: (name: string) => void;
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;

export function substitute(template: string, lookup: Lookup, opts: SubstituteOptions = {}): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < template.length && NAME_CHAR.test(template[j])) j++;
      out += plain(template.slice(i + 1, j), lookup, opts);
      i = j;
    } else if (next === '{') {
      const close = matchingBrace(template, i + 1);
      if (close < 0) throw new InvalidTemplate(template);
      out += braced(template.slice(i + 2, close), template, lookup, opts);
      i = close + 1;
    } else {
      out += '$';
      i++;
    }
  }
  return out;
}

function plain(name: string, lookup: Lookup, opts: SubstituteOptions): string {
  const v = lookup(name);
  if (v === undefined) {
    opts.onUnset?.(name);
    return '';
  }
  return v;
}

/** Index of the `}` closing the `{` at `open`, counting nested `${...}`. */
function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const OPERATORS = [':?', ':-', ':+', '?', '-', '+'] as const;

function braced(inner: string, whole: string, lookup: Lookup, opts: SubstituteOptions): string {
  if (inner.length === 0 || !NAME_START.test(inner[0])) throw new InvalidTemplate(whole);
  let j = 1;
  while (j < inner.length && NAME_CHAR.test(inner[j])) j++;
  const name = inner.slice(0, j);
  const rest = inner.slice(j);
  if (rest === '') return plain(name, lookup, opts);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) throw new InvalidTemplate(whole);
  // compose-go v2.9.1 (docker compose v2.40) substitutes the word before looking at the variable,
  // so an error or warning inside it surfaces even when the word is not used.
  const evaluated = substitute(rest.slice(op.length), lookup, opts);
  const word = () => evaluated;
  const value = lookup(name);
  switch (op) {
    case ':-':
      return value === undefined || value === '' ? word() : value;
    case '-':
      return value === undefined ? word() : value;
    case ':+':
      return value !== undefined && value !== '' ? word() : (value ?? '');
    case '+':
      return value !== undefined ? word() : '';
    case ':?':
      if (value === undefined || value === '') throw new MissingRequiredVariable(name, word());
      return value;
    case '?':
      if (value === undefined) throw new MissingRequiredVariable(name, word());
      return value;
  }
}
