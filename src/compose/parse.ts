// Step 1 of the pipeline: YAML text → plain values, plus the paths marked `!reset` (drop what
// earlier files said) or `!override` (replace it wholesale). Values come from js-yaml, which is an
// order of magnitude faster; the `yaml` package, which keeps source positions, is only used when an
// error needs a line number (see source-map.ts) or to word a syntax error.
import jsyaml from 'js-yaml';
import { yamlPackage } from './yaml-package.js';
import { composeError } from './errors.js';
import { SourceMap } from './source-map.js';
import type { Dict, ModelPath } from './dict.js';

export interface ParsedDocument {
  /** The document as plain data (aliases and `<<` merge keys already expanded). */
  value: Dict;
  /** Paths tagged `!reset`: removed from what earlier files defined, and from this document. */
  resets: ModelPath[];
  /** Paths tagged `!override`: what earlier files defined there is dropped before merging. */
  overrides: ModelPath[];
}

export interface ParsedFile {
  file: string;
  documents: ParsedDocument[];
  sources: SourceMap;
}

/** A value carrying a Compose merge tag until the document is walked. */
class Tagged {
  constructor(readonly tag: '!reset' | '!override', readonly value: unknown) {}
}

const tagTypes = (['!reset', '!override'] as const).flatMap((tag) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) => new jsyaml.Type(tag, { kind, construct: (data: unknown) => new Tagged(tag, data ?? (kind === 'scalar' ? null : data)) }),
  ),
);

// YAML 1.2 core types as Go's decoder reads them: plain 0755 is octal (YAML 1.1), no timestamps.
const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (d: string) => /^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$/.test(d),
  construct: (d: string) => {
    const sign = d.startsWith('-') ? -1 : 1;
    const s = d.replace(/^[-+]/, '').replace(/_/g, '');
    if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
    if (s.startsWith('0o')) return sign * parseInt(s.slice(2), 8);
    if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
    if (s.length > 1 && s.startsWith('0')) return sign * parseInt(s.slice(1), 8);
    return sign * parseInt(s, 10);
  },
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
});

// js-yaml exports its built-in types at runtime; its typings do not declare them.
const t = (jsyaml as unknown as { types: Record<string, jsyaml.Type> }).types;
const COMPOSE_SCHEMA = new jsyaml.Schema({
  implicit: [t.null, t.bool, intType, t.float, t.merge],
  explicit: [t.str, t.seq, t.map, t.binary, t.omap, t.pairs, t.set, ...tagTypes],
});

/** Parses one Compose file. `file` is the name used in error messages. */
export function parseComposeYaml(text: string, file: string): ParsedFile {
  const sources = new SourceMap();
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, undefined, { schema: COMPOSE_SCHEMA, filename: file });
  } catch (e) {
    throw syntaxError(text, file, e);
  }
  const documents: ParsedDocument[] = [];
  docs.forEach((raw, index) => {
    if (raw === null || raw === undefined) return;
    sources.add(file, text, index);
    const resets: ModelPath[] = [];
    const overrides: ModelPath[] = [];
    const value = untag(raw, [], resets, overrides);
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw composeError('top-level object must be a mapping', { file, line: 1 });
    }
    documents.push({ value: value as Dict, resets, overrides });
  });
  return { file, documents, sources };
}

/** Removes the merge tags, remembering their paths; `!reset` values disappear. */
function untag(v: unknown, path: ModelPath, resets: ModelPath[], overrides: ModelPath[]): unknown {
  if (v instanceof Tagged) {
    if (v.tag === '!reset') {
      resets.push(path);
      return undefined;
    }
    overrides.push(path);
    return untag(v.value, path, resets, overrides);
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const u = untag(e, [...path, out.length], resets, overrides);
      if (u !== undefined) out.push(u);
    }
    return out;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Dict;
    for (const k of Object.keys(o)) {
      const val = o[k];
      if (val !== null && typeof val === 'object') {
        const u = untag(val, [...path, k], resets, overrides);
        if (u === undefined) delete o[k];
        else o[k] = u;
      }
    }
    return o;
  }
  return v;
}

/** Words a syntax error with the `yaml` package's message and line when it sees one too. */
function syntaxError(text: string, file: string, e: unknown) {
  const { LineCounter, parseAllDocuments } = yamlPackage();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter, uniqueKeys: true, merge: true });
  for (const doc of Array.isArray(docs) ? docs : []) {
    const err = doc.errors[0];
    if (err) return composeError(`invalid YAML: ${firstLine(err.message)}`, { file, line: lineCounter.linePos(err.pos[0]).line });
  }
  const ye = e as { reason?: string; mark?: { line: number }; message?: string };
  return composeError(`invalid YAML: ${ye.reason ?? firstLine(String(ye.message))}`, { file, line: ye.mark ? ye.mark.line + 1 : undefined });
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}
