// Step 5 (per file, before merging): every short syntax becomes its long form, so that merging
// files compares like with like — build string → {context}, depends_on list → map, env_file →
// [{path, required}], networks list → map, ports/volumes strings → objects, secrets/configs names
// → {source}, healthcheck.test string → ["CMD-SHELL", ...], external: {name} → name + external.
import { composeError } from './errors.js';
import { isDict, type Dict } from './dict.js';
import { parsePortSpec, PortSyntaxError, orderPort, type PortConfig } from './ports.js';
import { parseVolumeSpec, VolumeSyntaxError } from './volumes.js';
import type { SourceMap } from './source-map.js';

/**
 * `lenient` (used without interpolation) keeps short syntaxes that do not parse yet, such as
 * `${PORT}:80`, as compose-go does when it skips interpolation.
 */
export function canonicalize(dict: Dict, sources: SourceMap, lenient = false): Dict {
  const services = dict.services;
  if (isDict(services)) {
    for (const [name, s] of Object.entries(services)) {
      if (isDict(s)) canonicalService(name, s, sources, lenient);
    }
  }
  for (const kind of ['networks', 'volumes', 'secrets', 'configs']) {
    const top = dict[kind];
    if (!isDict(top)) continue;
    for (const [name, r] of Object.entries(top)) {
      if (isDict(r)) canonicalExternal(kind, name, r, sources);
    }
  }
  if (Array.isArray(dict.include)) dict.include = dict.include.map((i) => (typeof i === 'string' ? { path: i } : i));
  return dict;
}

function canonicalExternal(kind: string, name: string, r: Dict, sources: SourceMap): void {
  const ext = r.external;
  if (!isDict(ext)) return;
  r.external = true;
  if (ext.name !== undefined) {
    if (r.name !== undefined && r.name !== ext.name) {
      throw composeError('name and external.name conflict; only use name', sources.locate([kind, name]));
    }
    if (r.name === undefined) r.name = ext.name;
  }
}

function canonicalService(name: string, s: Dict, sources: SourceMap, lenient: boolean): void {
  const at = (...p: Array<string | number>) => sources.locate(['services', name, ...p]);
  if (typeof s.build === 'string') s.build = { context: s.build };
  if (typeof s.extends === 'string') s.extends = { service: s.extends };
  if (Array.isArray(s.depends_on)) {
    const m: Dict = {};
    for (const d of s.depends_on) m[String(d)] = { condition: 'service_started', required: true };
    s.depends_on = m;
  } else if (isDict(s.depends_on)) {
    for (const [dep, cfg] of Object.entries(s.depends_on)) {
      const c = isDict(cfg) ? cfg : {};
      if (c.condition === undefined) c.condition = 'service_started';
      if (c.required === undefined) c.required = true;
      s.depends_on[dep] = c;
    }
  }
  if (s.env_file !== undefined) {
    const list = Array.isArray(s.env_file) ? s.env_file : [s.env_file];
    s.env_file = list.map((e) => (typeof e === 'string' ? { path: e, required: true } : isDict(e) && e.required === undefined ? { ...e, required: true } : e));
  }
  if (Array.isArray(s.networks)) {
    const m: Dict = {};
    for (const n of s.networks) m[String(n)] = null;
    s.networks = m;
  }
  for (const key of ['dns', 'dns_search', 'tmpfs', 'label_file'] as const) {
    if (typeof s[key] === 'string') s[key] = [s[key]];
  }
  for (const key of ['secrets', 'configs'] as const) {
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((e) => (typeof e === 'string' ? { source: e } : e));
  }
  if (isDict(s.build) && Array.isArray(s.build.secrets)) {
    s.build.secrets = s.build.secrets.map((e) => (typeof e === 'string' ? { source: e } : e));
  }
  if (Array.isArray(s.ports)) {
    const out: Array<PortConfig | string> = [];
    s.ports.forEach((p, i) => {
      if (typeof p === 'number' || typeof p === 'string') {
        try {
          out.push(...parsePortSpec(String(p)));
        } catch (e) {
          if (e instanceof PortSyntaxError && lenient) out.push(String(p));
          else if (e instanceof PortSyntaxError) throw composeError(e.message, at('ports', i));
          else throw e;
        }
      } else if (isDict(p)) {
        const port = { ...p } as Dict;
        if (typeof port.target === 'string' && /^\d+$/.test(port.target)) port.target = Number(port.target);
        if (typeof port.published === 'number') port.published = String(port.published);
        out.push(orderPort(port as unknown as PortConfig));
      }
    });
    s.ports = out;
  }
  if (Array.isArray(s.volumes)) {
    s.volumes = s.volumes.map((v, i) => {
      if (typeof v !== 'string') return v;
      try {
        return parseVolumeSpec(v);
      } catch (e) {
        if (e instanceof VolumeSyntaxError && lenient) return v;
        if (e instanceof VolumeSyntaxError) throw composeError(e.message, at('volumes', i));
        throw e;
      }
    });
  }
  if (Array.isArray(s.devices)) {
    s.devices = s.devices.map((d, i) => {
      if (typeof d !== 'string') return d;
      const parts = d.split(':');
      if (parts.length > 3) throw composeError(`confusing device mapping, please use long syntax: ${d}`, at('devices', i));
      return { source: parts[0], target: parts[1] || parts[0], permissions: parts[2] ?? 'rwm' };
    });
  }
  if (isDict(s.healthcheck) && typeof s.healthcheck.test === 'string') {
    s.healthcheck.test = ['CMD-SHELL', s.healthcheck.test];
  }
}
