// `docker import --change` / `commit --change`: Dockerfile-like lines applied to an image config.
// The same instructions Docker accepts there: CMD ENTRYPOINT ENV EXPOSE LABEL ONBUILD STOPSIGNAL
// USER VOLUME WORKDIR (HEALTHCHECK is left for build), with JSON or shell forms and $VAR expansion.
import { posix } from 'node:path';
import { invalidArgument } from '../../common/errors.js';
import type { OciImageConfig } from '../types.js';

const SHELL = ['/bin/sh', '-c'];

export function applyChanges(config: OciImageConfig, changes: string[]): OciImageConfig {
  const out: OciImageConfig = structuredClone(config);
  for (const raw of changes) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(line);
    if (!m) continue;
    const instr = m[1].toUpperCase();
    const rest = (m[2] ?? '').trim();
    const env = out.Env ?? [];
    switch (instr) {
      case 'CMD':
        out.Cmd = commandForm(rest, instr);
        out.ArgsEscaped = undefined;
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = commandForm(rest, instr);
        // As in a Dockerfile, a new entrypoint resets an inherited CMD.
        out.Cmd = null;
        break;
      case 'ENV':
        for (const [k, v] of keyValues(rest, instr, true, env)) setEnv(out, k, v);
        break;
      case 'LABEL':
        out.Labels = { ...(out.Labels ?? {}) };
        for (const [k, v] of keyValues(rest, instr, false, env)) out.Labels[k] = v;
        break;
      case 'WORKDIR': {
        if (rest === '') throw invalidArgument('WORKDIR requires exactly one argument');
        const dir = oneArg(rest, env);
        out.WorkingDir = posix.isAbsolute(dir) ? posix.normalize(dir) : posix.join(out.WorkingDir || '/', dir);
        break;
      }
      case 'USER':
        if (rest === '') throw invalidArgument('USER requires exactly one argument');
        out.User = oneArg(rest, env);
        break;
      case 'EXPOSE':
        out.ExposedPorts = { ...(out.ExposedPorts ?? {}) };
        for (const p of shellWords(rest, env)) out.ExposedPorts[normalizePort(p)] = {};
        break;
      case 'VOLUME': {
        const vols = rest.startsWith('[') ? jsonArray(rest, instr) : shellWords(rest, env);
        if (vols.length === 0) throw invalidArgument('VOLUME requires at least one argument');
        out.Volumes = { ...(out.Volumes ?? {}) };
        for (const v of vols) out.Volumes[v] = {};
        break;
      }
      case 'STOPSIGNAL':
        if (rest === '') throw invalidArgument('STOPSIGNAL requires exactly one argument');
        out.StopSignal = oneArg(rest, env);
        break;
      case 'ONBUILD':
        out.OnBuild = [...(out.OnBuild ?? []), rest];
        break;
      default:
        throw invalidArgument(`${m[1]} is not a valid change command`);
    }
  }
  return out;
}

function commandForm(rest: string, instr: string): string[] {
  if (rest.startsWith('[')) {
    try { return jsonArray(rest, instr); } catch { /* not JSON: shell form, as Docker falls back */ }
  }
  if (rest === '') throw invalidArgument(`${instr} requires at least one argument`);
  return [...SHELL, rest];
}

function jsonArray(s: string, instr: string): string[] {
  let v: unknown;
  try { v = JSON.parse(s); } catch { throw invalidArgument(`${instr}: invalid JSON array: ${s}`); }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidArgument(`${instr}: expected a JSON array of strings`);
  return v;
}

function setEnv(config: OciImageConfig, key: string, value: string): void {
  const env = (config.Env ?? []).filter((e) => e.split('=')[0] !== key);
  env.push(`${key}=${value}`);
  config.Env = env;
}

/** `k=v k2="v 2"` pairs, or the legacy `ENV key value with spaces`. */
function keyValues(rest: string, instr: string, legacyAllowed: boolean, env: string[]): [string, string][] {
  if (rest === '') throw invalidArgument(`${instr} requires at least one argument`);
  const words = shellWords(rest, env);
  if (!words[0].includes('=')) {
    if (!legacyAllowed) throw invalidArgument(`${instr} names can not be blank`);
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw invalidArgument(`${instr} must have two arguments`);
    return [[m[1], oneArg(m[2].trim(), env)]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw invalidArgument(`${instr} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

/**
 * Splits on blanks, honouring '...' and "..." quotes and backslash escapes (quotes removed), and
 * with `env` expands $VAR, ${VAR}, ${VAR:-word}, ${VAR:+word} outside single quotes, as the
 * Dockerfile builder's shell lexer does.
 */
export function shellWords(s: string, env?: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && env && quote !== "'") {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(s.slice(i));
      if (m) {
        const v = lookupEnv(env, m[1] ?? m[4]);
        cur += m[2] === '-' ? (v ? v : m[3]) : m[2] === '+' ? (v ? m[3] : '') : (v ?? '');
        inWord = true;
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; inWord = true; }
    else if (c === '\\' && i + 1 < s.length) { cur += s[++i]; inWord = true; }
    else if (/\s/.test(c)) { if (inWord) { out.push(cur); cur = ''; inWord = false; } }
    else { cur += c; inWord = true; }
  }
  if (quote) throw invalidArgument(`unterminated quote in: ${s}`);
  if (inWord) out.push(cur);
  return out;
}

function lookupEnv(env: string[], key: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) if (env[i].startsWith(`${key}=`)) return env[i].slice(key.length + 1);
  return undefined;
}

/** One argument: the words of `s`, expanded and unquoted, joined back. */
function oneArg(s: string, env: string[]): string {
  return shellWords(s, env).join(' ');
}

function normalizePort(p: string): string {
  const [port, proto = 'tcp'] = p.split('/');
  if (!/^\d+(-\d+)?$/.test(port)) throw invalidArgument(`invalid containerPort: ${port}`);
  return `${port}/${proto.toLowerCase()}`;
}
