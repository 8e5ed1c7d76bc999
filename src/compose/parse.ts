// Step 1 of the pipeline: YAML text → plain values, with the line of every model path and the
// paths marked `!reset` (drop what earlier files said) or `!override` (replace it wholesale).
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, type Node } from 'yaml';
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

/** Parses one Compose file. `file` is the name used in error messages. */
export function parseComposeYaml(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false, lineCounter, uniqueKeys: true });
  const sources = new SourceMap();
  const documents: ParsedDocument[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const line = lineCounter.linePos(err.pos[0]).line;
      throw composeError(`invalid YAML: ${firstLine(err.message)}`, { file, line });
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 10000 });
    } catch (e) {
      throw composeError(`invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`, { file });
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw composeError('top-level object must be a mapping', { file, line: lineCounter.linePos(doc.contents.range[0]).line });
    }
    const resets: ModelPath[] = [];
    const overrides: ModelPath[] = [];
    const octals: Array<[ModelPath, number]> = [];
    walk(doc.contents as Node, [], (path, node, keyNode) => {
      sources.set(path, file, lineCounter.linePos((keyNode ?? node).range?.[0] ?? 0).line);
      if (node.tag === '!reset') resets.push(path);
      else if (node.tag === '!override') overrides.push(path);
      // Go's YAML decoder reads a plain 0755 as octal (YAML 1.1); file modes rely on it.
      else if (isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' && /^0[0-7]+$/.test(node.source)) {
        octals.push([path, parseInt(node.source, 8)]);
      }
    });
    for (const [p, v] of octals) setPath(value as Dict, p, v);
    for (const p of resets) deletePath(value as Dict, p);
    documents.push({ value: value as Dict, resets, overrides });
  }
  return { file, documents, sources };
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function walk(node: Node, path: ModelPath, visit: (path: ModelPath, node: Node, keyNode?: Node) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === '<<') continue;
      const child = pair.value as Node | null;
      const p = [...path, key];
      // Errors point at the key's line: that is where a user looks for `image:` or `ports:`.
      const keyNode = isScalar(pair.key) ? (pair.key as Node) : undefined;
      if (child && typeof child === 'object' && 'range' in child) {
        visit(p, child, keyNode);
        walk(child, p, visit);
      } else if (keyNode) {
        visit(p, keyNode, keyNode);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = item as Node;
      if (child && typeof child === 'object' && 'range' in child) {
        visit([...path, i], child);
        walk(child, [...path, i], visit);
      }
    });
  }
}

function deletePath(root: Dict, path: ModelPath): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, unknown>)[path[i]];
  }
  if (cur === null || typeof cur !== 'object') return;
  const last = path[path.length - 1];
  if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
  else delete (cur as Record<string, unknown>)[String(last)];
}

function setPath(root: Dict, path: ModelPath, v: unknown): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, unknown>)[path[i]];
  }
  if (cur !== null && typeof cur === 'object') (cur as Record<string | number, unknown>)[path[path.length - 1]] = v;
}
