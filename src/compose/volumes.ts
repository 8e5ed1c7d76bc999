// Short volume syntax → long form: SOURCE:TARGET[:OPTIONS], where a source starting with
// `.`, `/` or `~` is a bind mount, any other source a named volume, and no source an anonymous volume.

export interface VolumeMount {
  type: string;
  source?: string;
  target?: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { selinux?: string; propagation?: string; create_host_path?: boolean; recursive?: string };
  volume?: { labels?: Record<string, string>; nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
  image?: { subpath?: string };
  [ext: `x-${string}`]: unknown;
}

export class VolumeSyntaxError extends Error {}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

export function isFilePath(source: string): boolean {
  if (source === '') return false;
  if (source[0] === '.' || source[0] === '/' || source[0] === '~') return true;
  if (source.startsWith('\\\\')) return true;
  return /^[A-Za-z]:/.test(source);
}

export function parseVolumeSpec(spec: string): VolumeMount {
  if (spec.length === 0) throw new VolumeSyntaxError('invalid empty volume spec');
  const v: { source?: string; target?: string; readOnly?: boolean; nocopy?: boolean; selinux?: string; propagation?: string } = {};
  if (spec.length <= 2) {
    v.target = spec;
  } else {
    const fields: string[] = [];
    let buf = '';
    let depth = 0;
    for (let i = 0; i < spec.length; i++) {
      const c = spec[i];
      if (c === '$' && spec[i + 1] === '{') depth++;
      if (c === '}' && depth > 0) depth--;
      const windowsDrive = c === ':' && buf.length === 1 && /[A-Za-z]/.test(buf) && fields.length === 0;
      if (c === ':' && depth === 0 && !windowsDrive) {
        fields.push(buf);
        buf = '';
      } else buf += c;
    }
    fields.push(buf);
    if (fields.some((f) => f === '')) throw new VolumeSyntaxError(`invalid spec: ${spec}: empty section between colons`);
    if (fields.length > 3) throw new VolumeSyntaxError(`invalid spec: ${spec}: too many colons`);
    if (fields.length === 1) v.target = fields[0];
    else {
      v.source = fields[0];
      v.target = fields[1];
    }
    if (fields.length === 3) {
      for (const opt of fields[2].split(',')) {
        if (opt === 'ro') v.readOnly = true;
        else if (opt === 'rw') v.readOnly = false;
        else if (opt === 'nocopy') v.nocopy = true;
        else if (opt === 'z' || opt === 'Z') v.selinux = opt;
        else if (PROPAGATIONS.has(opt)) v.propagation = opt;
      }
    }
  }
  const bind = v.source !== undefined && isFilePath(v.source);
  const out: VolumeMount = { type: bind ? 'bind' : 'volume' };
  if (v.source) out.source = v.source;
  if (v.target) out.target = cleanPath(v.target);
  if (v.readOnly) out.read_only = true;
  if (bind) {
    out.bind = {};
    if (v.selinux) out.bind.selinux = v.selinux;
    if (v.propagation) out.bind.propagation = v.propagation;
    out.bind.create_host_path = true;
  } else {
    out.volume = v.nocopy ? { nocopy: true } : {};
    if (v.selinux || v.propagation) {
      out.bind = {};
      if (v.selinux) out.bind.selinux = v.selinux;
      if (v.propagation) out.bind.propagation = v.propagation;
    }
  }
  return out;
}

/** Go's path.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
    } else parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
