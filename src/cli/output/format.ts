// The one place `--format` is interpreted for lists: "table ..." (aligned, with a header row),
// "json" (one JSON object per line) or any Go template, one line per item.
import { Template, defaultFuncs, type TemplateFunc } from './template.js';
import { alignTabs } from './table.js';

export interface ListFormat {
  /** The table template used when no --format is given ("table {{.ID}}\t{{.Image}}..."). */
  defaultTable: string;
  /** Header text per field name (ID -> "CONTAINER ID"); unknown fields get their name in capitals. */
  headers: Record<string, string>;
}

/** Expands the \t and \n escapes users type in --format, as docker does. */
export const unescapeFormat = (f: string) => f.replace(/\\t/g, '\t').replace(/\\n/g, '\n');

function headerContext(headers: Record<string, string>): object {
  return new Proxy({}, {
    get: (_t, name) => (typeof name === 'string' ? headers[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() : undefined),
    has: () => true,
  });
}

/** Renders rows (objects whose fields the template reads) into the text to print. */
export function renderList(rows: object[], format: string | undefined, spec: ListFormat, funcs: Record<string, TemplateFunc> = defaultFuncs): string {
  let f = format && format.length > 0 ? format : spec.defaultTable;
  if (f === 'table') f = spec.defaultTable;
  if (f === 'json') f = '{{json .}}';
  const isTable = f.startsWith('table ');
  const body = unescapeFormat(isTable ? f.slice('table '.length) : f).trim();
  const tpl = new Template(body, funcs);
  const lines = rows.map((r) => tpl.execute(r));
  if (!isTable) return lines.map((l) => `${l}\n`).join('');
  const header = new Template(body, { ...funcs, json: () => '', index: () => '' }).execute(headerContext(spec.headers));
  return `${alignTabs([header, ...lines].join('\n'))}\n`;
}

/** One template applied to one object (inspect -f, version -f, info -f). */
export function renderOne(value: unknown, format: string): string {
  return new Template(unescapeFormat(format)).execute(value);
}
