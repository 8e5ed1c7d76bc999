// Step 7: relative paths become absolute against the directory they were written for (the project
// directory, an extended file's directory, or an included project's directory); `~` is the home.
import { isAbsolute, join } from 'node:path';
import { isDict, type Dict } from './dict.js';
import { composeError } from './errors.js';

const REMOTE_PREFIXES = ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'];

export function expandUser(p: string, home: string | undefined): string {
  if (home && (p === '~' || p.startsWith('~/'))) return join(home, p.slice(1));
  return p;
}

export function absPath(p: string, base: string, home?: string): string {
  const e = expandUser(p, home);
  if (e === '' || isAbsolute(e)) return e;
  return join(base, e);
}

function absContext(p: string, base: string, home?: string): string {
  if (p.includes('://') || p.startsWith('service:') || REMOTE_PREFIXES.some((r) => p.startsWith(r))) return p;
  return absPath(p, base, home);
}

/** Resolves the path-valued fields of a (canonical) model in place. */
export function resolveRelativePaths(dict: Dict, base: string, home?: string): Dict {
  const services = dict.services;
  if (isDict(services)) {
    for (const [name, s] of Object.entries(services)) {
      if (isDict(s)) resolveServicePaths(s, base, home, name);
    }
  }
  for (const kind of ['configs', 'secrets']) {
    const top = dict[kind];
    if (!isDict(top)) continue;
    for (const r of Object.values(top)) if (isDict(r) && typeof r.file === 'string') r.file = absPath(r.file, base, home);
  }
  if (isDict(dict.volumes)) {
    for (const v of Object.values(dict.volumes)) {
      if (!isDict(v) || v.driver !== 'local' || !isDict(v.driver_opts)) continue;
      const o = v.driver_opts;
      if (o.o === 'bind' && typeof o.device === 'string') o.device = absPath(o.device, base, home);
    }
  }
  return dict;
}

export function resolveServicePaths(s: Dict, base: string, home?: string, name = '?'): void {
  if (isDict(s.build)) {
    if (typeof s.build.context === 'string') s.build.context = absContext(s.build.context, base, home);
    if (isDict(s.build.additional_contexts)) {
      for (const [k, v] of Object.entries(s.build.additional_contexts)) {
        if (typeof v === 'string') s.build.additional_contexts[k] = absContext(v, base, home);
      }
    }
  }
  if (Array.isArray(s.env_file)) {
    for (const e of s.env_file) if (isDict(e) && typeof e.path === 'string') e.path = absPath(e.path, base, home);
  }
  if (Array.isArray(s.label_file)) s.label_file = s.label_file.map((f) => (typeof f === 'string' ? absPath(f, base, home) : f));
  if (isDict(s.extends) && typeof s.extends.file === 'string') s.extends.file = absPath(s.extends.file, base, home);
  if (Array.isArray(s.volumes)) {
    for (const v of s.volumes) {
      if (!isDict(v) || v.type !== 'bind') continue;
      if (typeof v.source !== 'string' || v.source === '') {
        throw composeError('invalid mount config for type "bind": field Source must not be empty', { path: `services.${name}.volumes` });
      }
      v.source = absPath(v.source, base, home);
    }
  }
}
