// A subset of Go's text/template, as `docker --format` uses it: {{.Field.Sub}}, {{json .}},
// {{index .Labels "k"}}, {{join .Names ","}}, pipelines (|), {{if}}/{{else}}/{{range}}/{{with}}/{{end}},
// {{- -}} trimming. Values print the way Go prints them (slices as [a b], maps as map[k:v]).
import { invalidArgument } from '../../common/errors.js';

type Value = unknown;
type Node =
  | { t: 'text'; s: string }
  | { t: 'pipe'; p: Pipeline }
  | { t: 'if'; p: Pipeline; then: Node[]; else: Node[] }
  | { t: 'with'; p: Pipeline; then: Node[]; else: Node[] }
  | { t: 'range'; p: Pipeline; body: Node[]; else: Node[]; keyVar?: string; valueVar?: string };
type Operand =
  | { k: 'field'; path: string[]; base: 'dot' | 'root' }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'lit'; v: Value }
  | { k: 'fn'; name: string }
  | { k: 'sub'; p: Pipeline };
type Command = Operand[];
type Pipeline = Command[];

export type TemplateFunc = (...args: Value[]) => Value;

/** Prints a value the way Go's fmt %v does, which is what `{{.X}}` shows. */
export function goString(v: Value): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(goStringInner).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${goStringInner((v as Record<string, Value>)[k])}`).join(' ')}]`;
  }
  return String(v);
}
function goStringInner(v: Value): string {
  return v === null || v === undefined ? '<nil>' : goString(v);
}

function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function sprintf(fmt: string, ...args: Value[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([sdvqf%])/g, (_m, flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    let s: string;
    if (verb === 'q') s = JSON.stringify(goString(a));
    else if (verb === 'd') s = String(Math.trunc(Number(a)));
    else if (verb === 'f') { const prec = /\.(\d+)/.exec(flags); s = Number(a).toFixed(prec ? Number(prec[1]) : 6); }
    else s = goString(a);
    const width = /^-?(\d+)/.exec(flags.replace(/[+ 0#]/g, ''));
    if (width) s = flags.includes('-') ? s.padEnd(Number(width[1])) : s.padStart(Number(width[1]));
    return s;
  });
}

export const defaultFuncs: Record<string, TemplateFunc> = {
  json: (v) => JSON.stringify(v ?? null),
  index: (v, ...keys) => keys.reduce((acc: Value, k) => (acc == null ? undefined : (acc as Record<string, Value>)[String(k)]), v),
  join: (v, sep) => (Array.isArray(v) ? v.map(goString).join(String(sep)) : goString(v)),
  split: (v, sep) => String(v).split(String(sep)),
  lower: (v) => goString(v).toLowerCase(),
  upper: (v) => goString(v).toUpperCase(),
  title: (v) => goString(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  truncate: (v, n) => goString(v).slice(0, Number(n)),
  pad: (v, l, r) => ' '.repeat(Number(l)) + goString(v) + ' '.repeat(Number(r)),
  printf: (fmt, ...args) => sprintf(String(fmt), ...args),
  print: (...args) => args.map(goString).join(' '),
  println: (...args) => `${args.map(goString).join(' ')}\n`,
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
};

// ---------- lexing and parsing ----------

function splitActions(src: string): { text: string; action?: string }[] {
  const out: { text: string; action?: string }[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) { out.push({ text }); break; }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw invalidArgument(`template: unclosed action in ${JSON.stringify(src)}`);
    let action = src.slice(open + 2, close);
    if (action.startsWith('- ') || action === '-') { text = text.replace(/\s+$/, ''); action = action.slice(1); }
    trimNext = action.endsWith(' -');
    if (trimNext) action = action.slice(0, -1);
    out.push({ text, action: action.trim() });
    i = close + 2;
  }
  return out;
}

function tokenize(s: string): string[] {
  const toks: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||[^\s()|]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) { if (m[1]) toks.push(m[1]); if (re.lastIndex >= s.length) break; }
  return toks;
}

function parsePipeline(toks: string[], pos: { i: number }): Pipeline {
  const pipe: Pipeline = [];
  let cmd: Command = [];
  while (pos.i < toks.length) {
    const tok = toks[pos.i++];
    if (tok === ')') { pos.i--; break; }
    if (tok === '|') { pipe.push(cmd); cmd = []; continue; }
    if (tok === '(') {
      const sub = parsePipeline(toks, pos);
      if (toks[pos.i++] !== ')') throw invalidArgument('template: unclosed (');
      cmd.push({ k: 'sub', p: sub });
      continue;
    }
    cmd.push(parseOperand(tok));
  }
  if (cmd.length) pipe.push(cmd);
  return pipe;
}

function parseOperand(tok: string): Operand {
  if (tok === '.') return { k: 'field', path: [], base: 'dot' };
  if (tok === '$') return { k: 'field', path: [], base: 'root' };
  if (tok.startsWith('.')) return { k: 'field', path: tok.slice(1).split('.'), base: 'dot' };
  if (tok.startsWith('$.')) return { k: 'field', path: tok.slice(2).split('.'), base: 'root' };
  if (/^\$\w+/.test(tok)) { const [name, ...path] = tok.split('.'); return { k: 'var', name, path }; }
  if (tok.startsWith('"')) return { k: 'lit', v: JSON.parse(tok) as string };
  if (tok.startsWith('`')) return { k: 'lit', v: tok.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { k: 'lit', v: Number(tok) };
  if (tok === 'true' || tok === 'false') return { k: 'lit', v: tok === 'true' };
  if (tok === 'nil') return { k: 'lit', v: null };
  return { k: 'fn', name: tok };
}

function parse(src: string): Node[] {
  const parts = splitActions(src);
  let idx = 0;
  const block = (stopAt: string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (idx < parts.length) {
      const part = parts[idx++];
      if (part.text) nodes.push({ t: 'text', s: part.text });
      if (part.action === undefined) continue;
      const a = part.action;
      if (a.startsWith('/*')) continue;
      const word = a.split(/\s+/)[0];
      if (stopAt.includes(word)) return { nodes, stop: a };
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(conditional(word, a.slice(word.length)));
        continue;
      }
      nodes.push({ t: 'pipe', p: parsePipeline(tokenize(a), { i: 0 }) });
    }
    if (stopAt.length) throw invalidArgument(`template: unexpected EOF in ${JSON.stringify(src)}`);
    return { nodes, stop: '' };
  };
  // {{if}}, {{with}} and {{range}} up to their {{end}}; {{else if X}} nests an if that shares the end.
  function conditional(word: string, pipeText: string): Node {
    // {{range $v := X}} / {{range $k, $v := X}}
    const decl = /^\s*(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*([\s\S]*)$/.exec(pipeText);
    if (decl) pipeText = decl[3];
    const p = parsePipeline(tokenize(pipeText), { i: 0 });
    const body = block(['else', 'end']);
    let elseNodes: Node[] = [];
    if (body.stop.startsWith('else')) {
      const rest = body.stop.slice(4).trim();
      if (rest.startsWith('if ') || rest.startsWith('with ')) {
        const w = rest.split(/\s+/)[0];
        elseNodes = [conditional(w, rest.slice(w.length))];
      } else elseNodes = block(['end']).nodes;
    }
    if (word === 'range') {
      const [keyVar, valueVar] = decl ? (decl[2] ? [decl[1], decl[2]] : [undefined, decl[1]]) : [undefined, undefined];
      return { t: 'range', p, body: body.nodes, else: elseNodes, keyVar, valueVar };
    }
    return word === 'with' ? { t: 'with', p, then: body.nodes, else: elseNodes } : { t: 'if', p, then: body.nodes, else: elseNodes };
  }
  return block([]).nodes;
}

// ---------- execution ----------

function field(v: Value, name: string, args: Value[]): Value {
  if (v === null || v === undefined) return undefined;
  const got = (v as Record<string, Value>)[name];
  if (typeof got === 'function') return (got as (...a: Value[]) => Value).apply(v, args);
  if (got === undefined && typeof v === 'object' && !(name in (v as object))) {
    throw invalidArgument(`template: can't evaluate field ${name} in type ${Array.isArray(v) ? 'slice' : typeof v}`);
  }
  return got;
}

export class Template {
  private readonly nodes: Node[];
  constructor(src: string, private readonly funcs: Record<string, TemplateFunc> = defaultFuncs) {
    this.nodes = parse(src);
  }

  execute(data: Value): string {
    return this.run(this.nodes, data, data, {});
  }

  private run(nodes: Node[], dot: Value, root: Value, vars: Record<string, Value>): string {
    let out = '';
    for (const n of nodes) {
      if (n.t === 'text') out += n.s;
      else if (n.t === 'pipe') out += goString(this.pipe(n.p, dot, root, vars));
      else if (n.t === 'if') out += truthy(this.pipe(n.p, dot, root, vars)) ? this.run(n.then, dot, root, vars) : this.run(n.else, dot, root, vars);
      else if (n.t === 'with') {
        const v = this.pipe(n.p, dot, root, vars);
        out += truthy(v) ? this.run(n.then, v, root, vars) : this.run(n.else, dot, root, vars);
      } else {
        const v = this.pipe(n.p, dot, root, vars);
        const entries: [Value, Value][] = Array.isArray(v) ? v.map((item, i) => [i, item])
          : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => [k, (v as Record<string, Value>)[k]]) : [];
        out += entries.length
          ? entries.map(([key, item]) => {
            const scope = { ...vars };
            if (n.keyVar) scope[n.keyVar] = key;
            if (n.valueVar) scope[n.valueVar] = item;
            return this.run(n.body, item, root, scope);
          }).join('')
          : this.run(n.else, dot, root, vars);
      }
    }
    return out;
  }

  private pipe(p: Pipeline, dot: Value, root: Value, vars: Record<string, Value>): Value {
    let prev: Value = undefined;
    p.forEach((cmd, i) => {
      const extra = i === 0 ? [] : [prev];
      prev = this.command(cmd, dot, root, vars, extra);
    });
    return prev;
  }

  private command(cmd: Command, dot: Value, root: Value, vars: Record<string, Value>, piped: Value[]): Value {
    const [head, ...rest] = cmd;
    const args = () => [...rest.map((o) => this.operand(o, dot, root, vars, [])), ...piped];
    if (head.k === 'fn') {
      const f = this.funcs[head.name];
      if (!f) throw invalidArgument(`template: function "${head.name}" not defined`);
      return f(...args());
    }
    return this.operand(head, dot, root, vars, args());
  }

  private operand(o: Operand, dot: Value, root: Value, vars: Record<string, Value>, args: Value[]): Value {
    if (o.k === 'lit') return o.v;
    if (o.k === 'sub') return this.pipe(o.p, dot, root, vars);
    if (o.k === 'var') {
      if (!(o.name in vars)) throw invalidArgument(`template: undefined variable "${o.name}"`);
      let v = vars[o.name];
      o.path.forEach((name, i) => { v = field(v, name, i === o.path.length - 1 ? args : []); });
      return v;
    }
    if (o.k === 'fn') {
      const f = this.funcs[o.name];
      if (!f) throw invalidArgument(`template: function "${o.name}" not defined`);
      return f(...args);
    }
    let v = o.base === 'root' ? root : dot;
    o.path.forEach((name, i) => {
      v = field(v, name, i === o.path.length - 1 ? args : []);
    });
    return v;
  }
}
