// The Dockerfile parser: parser directives (syntax, escape), comments, line continuations,
// heredocs, flags, and JSON (exec) vs shell forms. It gives instructions with their line numbers;
// variable expansion happens later, per instruction (expander.ts), as Docker does it.
import { invalidArgument } from '../../common/errors.js';

export interface Heredoc { name: string; content: string; expand: boolean; chomp: boolean }

export interface Instruction {
  /** Lower-case keyword: from, run, copy, ... */
  cmd: string;
  /** The text after the keyword and its flags, continuations joined (as Docker prints it). */
  args: string;
  /** The instruction as written on its first line(s), for "Step n/m : ..." */
  original: string;
  /** `--name=value` flags before the arguments (value undefined for a bare `--flag`). */
  flags: { name: string; value: string | undefined }[];
  /** The JSON array of the exec form, when the arguments are one. */
  json?: string[];
  heredocs: Heredoc[];
  line: number;
}

export interface Dockerfile {
  escape: string;
  syntax?: string;
  instructions: Instruction[];
  /** Instructions (as written, joined) with an empty line inside a continuation: Docker warns of them. */
  emptyContinuations: string[];
}

/** An error in the Dockerfile at a line: "Dockerfile:7: unknown instruction: FOO". */
export function dockerfileError(file: string, line: number, message: string): Error {
  return invalidArgument(`${file}:${line}: ${message}`);
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_CMDS = new Set(['run', 'copy', 'add']);
const HEREDOC = /<<(-?)\s*(?:(["'])([A-Za-z_][A-Za-z0-9_.-]*)\2|([A-Za-z_][A-Za-z0-9_.-]*))/g;

export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let syntax: string | undefined;
  let i = 0;
  // Directives: only in the leading comment block, each name once, stopped by anything else.
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) break;
    const name = m[1].toLowerCase();
    if (seen.has(name)) throw dockerfileError(file, i + 1, `only one ${name} parser directive can be used`);
    seen.add(name);
    if (name === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw dockerfileError(file, i + 1, `invalid escape token '${m[2]}' does not match ` + '` or \\');
      escape = m[2];
    } else if (name === 'syntax') syntax = m[2];
  }
  const contRe = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const out: Instruction[] = [];
  const emptyContinuations: string[] = [];
  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) { i++; continue; }
    const start = i + 1;
    // Join continuation lines; comment and empty lines inside a continuation are skipped.
    let joined = raw.replace(/^\s+/, '');
    let origLines = [joined];
    let emptyContinuation = false;
    while (contRe.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(contRe, '');
      i++;
      while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('#'))) {
        if (lines[i].trim() === '') emptyContinuation = true;
        i++;
      }
      if (i >= lines.length) break;
      joined += lines[i];
      origLines.push(lines[i]);
    }
    if (contRe.test(joined)) joined = joined.replace(contRe, '');
    i++;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(joined);
    if (!m) continue;
    const keyword = m[1];
    const cmd = keyword.toLowerCase();
    let rest = m[2].trim();
    const flags: Instruction['flags'] = [];
    if (cmd !== 'onbuild') {
      for (;;) {
        const f = /^--([A-Za-z0-9-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest);
        if (!f) break;
        // `--` alone or a flag with an unquoted space-free value
        flags.push({ name: f[1], value: f[2] });
        rest = rest.slice(f[0].length);
      }
    }
    const heredocs: Heredoc[] = [];
    if (HEREDOC_CMDS.has(cmd) && rest.includes('<<')) {
      for (const h of rest.matchAll(HEREDOC)) {
        const name = h[3] ?? h[4];
        const chomp = h[1] === '-';
        const body: string[] = [];
        let closed = false;
        while (i < lines.length) {
          const l = lines[i++];
          const cmp = chomp ? l.replace(/^\t+/, '') : l;
          if (cmp === name) { closed = true; break; }
          body.push(cmp);
        }
        if (!closed) throw dockerfileError(file, start, `unterminated heredoc ${name}`);
        heredocs.push({ name, content: body.length ? body.join('\n') + '\n' : '', expand: h[2] === undefined, chomp });
        origLines = [...origLines];
      }
    }
    const inst: Instruction = { cmd, args: rest, original: `${keyword} ${m[2].trim()}`.trim(), flags, heredocs, line: start };
    const json = parseJsonArray(rest);
    if (json) inst.json = json;
    out.push(inst);
    if (emptyContinuation) emptyContinuations.push(inst.original);
  }
  return { escape, syntax, instructions: out, emptyContinuations };
}

/** The exec form: a JSON array of strings; anything else is the shell form. */
export function parseJsonArray(s: string): string[] | undefined {
  const t = s.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    /* shell form */
  }
  return undefined;
}

/**
 * Splits arguments on whitespace, keeping quoted runs and escapes intact (quotes are removed later,
 * by expansion): what Docker does for COPY, ADD, VOLUME, EXPOSE, USER, WORKDIR ... in shell form.
 */
export function splitWords(s: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (quote === null && /\s/.test(ch)) {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    if (ch === escape && k + 1 < s.length && quote !== "'") { cur += ch + s[++k]; continue; }
    if (quote === null && (ch === '"' || ch === "'")) quote = ch;
    else if (quote === ch) quote = null;
    cur += ch;
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * key=value pairs for ENV, LABEL and ARG (each word split at its first unquoted `=`), or the
 * legacy `KEY value with spaces` form when the first word has no `=` (ENV and LABEL only).
 */
export function parseKeyValues(inst: Instruction, escape: string, file: string, legacy: boolean): { key: string; value: string | undefined }[] {
  const words = splitWords(inst.args, escape);
  if (words.length === 0) throw dockerfileError(file, inst.line, `${inst.cmd.toUpperCase()} requires at least one argument`);
  if (legacy && !words[0].includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(inst.args.trim());
    if (!m) throw dockerfileError(file, inst.line, `${inst.cmd.toUpperCase()} must have two arguments`);
    return [{ key: m[1], value: m[2].trim() === '' ? '' : m[2].replace(/\s+$/, '') }];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) {
      if (legacy) throw dockerfileError(file, inst.line, `${inst.cmd.toUpperCase()} names can not be blank` + (w ? `: ${w}` : ''));
      return { key: w, value: undefined };
    }
    if (eq === 0) throw dockerfileError(file, inst.line, `${inst.cmd.toUpperCase()} names can not be blank`);
    return { key: w.slice(0, eq), value: w.slice(eq + 1) };
  });
}
