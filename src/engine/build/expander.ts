// Variable substitution in Dockerfile words, by Docker's rules: $VAR and ${VAR}, ${VAR:-word},
// ${VAR-word}, ${VAR:+word}, ${VAR+word}, ${VAR:?msg}, ${VAR?msg}; single quotes are literal,
// double quotes expand but keep spaces, the escape character (\ or `) escapes the next character
// (inside double quotes only before $, ", the escape character itself). Quotes are removed.
import { invalidArgument } from '../../common/errors.js';

export type Env = Map<string, string>;

/** Env as a map from "K=V" strings (the last definition wins, as a later ENV does). */
export function envMap(list: string[] | undefined): Env {
  const m = new Map<string, string>();
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) m.set(kv.slice(0, i), kv.slice(i + 1));
    else if (kv) m.set(kv, '');
  }
  return m;
}

class Lexer {
  private pos = 0;
  /** Word boundaries found outside quotes (for processWords). */
  readonly words: string[] = [];
  private cur = '';
  private inWord = false;

  constructor(private readonly s: string, private readonly env: Env, private readonly escape: string, private readonly split: boolean) {}

  run(stop?: string): string {
    let out = '';
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos];
      if (stop !== undefined && ch === stop) return out;
      if (ch === this.escape) {
        this.pos++;
        if (this.pos < this.s.length) { out += this.take(this.s[this.pos]); this.pos++; }
        continue;
      }
      if (ch === "'") { out += this.take(this.single()); continue; }
      if (ch === '"') { out += this.take(this.double()); continue; }
      if (ch === '$') {
        const v = this.variable();
        // Unquoted expansions split into words when asked (EXPOSE 80 $MORE).
        if (this.split) {
          const parts = v.split(/[ \t\n]+/);
          parts.forEach((p, k) => {
            if (k > 0) this.boundary();
            if (p) { this.cur += p; this.inWord = true; }
          });
          out += v;
        } else out += this.take(v);
        continue;
      }
      if (this.split && /[ \t\n]/.test(ch)) { this.boundary(); out += ch; this.pos++; continue; }
      out += this.take(ch);
      this.pos++;
    }
    return out;
  }

  private take(s: string): string {
    this.cur += s;
    this.inWord = true;
    return s;
  }

  private boundary(): void {
    if (this.inWord) this.words.push(this.cur);
    this.cur = '';
    this.inWord = false;
  }

  finish(): void { this.boundary(); }

  private single(): string {
    this.pos++;
    const end = this.s.indexOf("'", this.pos);
    if (end < 0) throw invalidArgument('unexpected end of statement while looking for matching single-quote');
    const v = this.s.slice(this.pos, end);
    this.pos = end + 1;
    return v;
  }

  private double(): string {
    this.pos++;
    let out = '';
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos];
      if (ch === '"') { this.pos++; return out; }
      if (ch === this.escape && this.pos + 1 < this.s.length && ['"', '$', this.escape].includes(this.s[this.pos + 1])) {
        out += this.s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === '$') { out += this.variable(); continue; }
      out += ch;
      this.pos++;
    }
    throw invalidArgument('unexpected end of statement while looking for matching double-quote');
  }

  private variable(): string {
    this.pos++; // $
    const s = this.s;
    if (s[this.pos] !== '{') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(s.slice(this.pos));
      if (!m) return '$';
      this.pos += m[0].length;
      return this.env.get(m[0]) ?? '';
    }
    this.pos++; // {
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(s.slice(this.pos));
    if (!m) throw invalidArgument(`missing ':' in substitution: ${s}`);
    const name = m[0];
    this.pos += name.length;
    if (s[this.pos] === '}') { this.pos++; return this.env.get(name) ?? ''; }
    let op = s[this.pos];
    if (op === ':') { op = ':' + (s[this.pos + 1] ?? ''); this.pos += 2; } else this.pos++;
    if (!['-', '+', '?', ':-', ':+', ':?'].includes(op)) throw invalidArgument(`unsupported modifier (${op}) in substitution: ${s}`);
    // The word is itself expanded (nested quotes and variables), up to the matching brace.
    const inner = new Lexer(s.slice(this.pos), this.env, this.escape, false);
    const word = inner.run('}');
    this.pos += inner.consumed();
    if (s[this.pos] !== '}') throw invalidArgument(`missing '}' in substitution: ${s}`);
    this.pos++;
    const set = this.env.has(name);
    const value = this.env.get(name) ?? '';
    const colon = op.startsWith(':');
    const present = colon ? value !== '' : set;
    switch (op.slice(-1)) {
      case '-': return present ? value : word;
      case '+': return present ? word : '';
      default:
        if (!present) throw invalidArgument(`${name}: ${word || 'is not allowed to be unset'}`);
        return value;
    }
  }

  consumed(): number { return this.pos; }
}

/** One word, variables substituted and quotes removed (ENV/LABEL values, COPY paths, WORKDIR...). */
export function processWord(word: string, env: Env, escape = '\\'): string {
  return new Lexer(word, env, escape, false).run();
}

/** Like processWord, then split into words on unquoted whitespace (EXPOSE, VOLUME, USER...). */
export function processWords(text: string, env: Env, escape = '\\'): string[] {
  const lx = new Lexer(text, env, escape, true);
  lx.run();
  lx.finish();
  return lx.words;
}
