// Instructions that only change the image config: ENV, LABEL, USER, EXPOSE, VOLUME, CMD,
// ENTRYPOINT, SHELL, HEALTHCHECK, STOPSIGNAL, ONBUILD, MAINTAINER, WORKDIR's config half.
// Each returns what Docker writes as the step's history ("ENV A=1") and changes `config` in place.
import { posix } from 'node:path';
import type { OciImageConfig } from '../types.js';
import { processWord, processWords, type Env } from './expander.js';
import { parseKeyValues, splitWords, type Instruction } from './parser.js';
import { parseDuration } from './duration.js';

export interface StageConfig {
  config: OciImageConfig;
  /** CMD was set in this stage (an ENTRYPOINT then keeps it; otherwise ENTRYPOINT clears the base's). */
  cmdSet: boolean;
  author?: string;
}

export class StepError extends Error {}

const DEFAULT_SHELL = ['/bin/sh', '-c'];
export const shellOf = (c: OciImageConfig): string[] => (c.Shell && c.Shell.length ? c.Shell : DEFAULT_SHELL);

function setEnv(c: OciImageConfig, key: string, value: string): void {
  const env = (c.Env ?? []).filter((kv) => kv.split('=', 1)[0] !== key);
  const at = (c.Env ?? []).findIndex((kv) => kv.split('=', 1)[0] === key);
  const entry = `${key}=${value}`;
  if (at >= 0) { env.splice(at, 0, entry); c.Env = env; } else c.Env = [...env, entry];
}

/** Applies a config-only instruction; returns the history text (after "#(nop) "). */
export function applyMetadata(inst: Instruction, st: StageConfig, env: Env, escape: string, file: string): string {
  const c = st.config;
  const name = inst.cmd.toUpperCase();
  const need = (ok: boolean, what = `${name} requires at least one argument`) => { if (!ok) throw new StepError(what); };
  switch (inst.cmd) {
    case 'env': {
      const pairs = parseKeyValues(inst, escape, file, true).map(({ key, value }) => [processWord(key, env, escape), processWord(value ?? '', env, escape)]);
      for (const [k, v] of pairs) setEnv(c, k, v);
      return ` ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'label': {
      const pairs = parseKeyValues(inst, escape, file, true).map(({ key, value }) => [processWord(key, env, escape), processWord(value ?? '', env, escape)]);
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of pairs) c.Labels[k] = v;
      return ` LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'maintainer':
      need(inst.args.trim() !== '', 'MAINTAINER requires exactly one argument');
      st.author = processWord(inst.args.trim(), env, escape);
      return ` MAINTAINER ${st.author}`;
    case 'user': {
      const words = processWords(inst.args, env, escape);
      need(words.length === 1, 'USER requires exactly one argument');
      c.User = words[0];
      return ` USER ${c.User}`;
    }
    case 'workdir': {
      const words = processWords(inst.args, env, escape);
      need(words.length === 1, 'WORKDIR requires exactly one argument');
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', words[0]);
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'expose': {
      const ports = inst.json ?? processWords(inst.args, env, escape);
      need(ports.length > 0, 'EXPOSE requires at least one argument');
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) for (const spec of expandPorts(p)) c.ExposedPorts[spec] = {};
      return ` EXPOSE ${ports.join(' ')}`;
    }
    case 'volume': {
      const vols = (inst.json ?? splitWords(inst.args, escape)).map((v) => processWord(v, env, escape));
      need(vols.length > 0, 'VOLUME requires at least one argument');
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of vols) {
        if (v.trim() === '') throw new StepError('VOLUME specified can not be an empty string');
        c.Volumes[v] = {};
      }
      return ` VOLUME [${vols.join(' ')}]`;
    }
    case 'stopsignal': {
      const words = processWords(inst.args, env, escape);
      need(words.length === 1, 'STOPSIGNAL requires exactly one argument');
      c.StopSignal = words[0];
      return ` STOPSIGNAL ${c.StopSignal}`;
    }
    case 'cmd': {
      c.Cmd = inst.json ?? [...shellOf(c), inst.args];
      st.cmdSet = true;
      return ` CMD ${JSON.stringify(c.Cmd).replace(/","/g, '" "')}`;
    }
    case 'entrypoint': {
      c.Entrypoint = inst.json ?? (inst.args.trim() === '' ? null : [...shellOf(c), inst.args]);
      // The base image's CMD would be arguments to a different program now.
      if (!st.cmdSet) c.Cmd = null;
      return ` ENTRYPOINT ${JSON.stringify(c.Entrypoint ?? []).replace(/","/g, '" "')}`;
    }
    case 'shell': {
      if (!inst.json) throw new StepError('SHELL requires the arguments to be in JSON form');
      need(inst.json.length > 0, 'SHELL requires at least one argument');
      c.Shell = inst.json;
      return ` SHELL ${JSON.stringify(c.Shell).replace(/","/g, '" "')}`;
    }
    case 'healthcheck':
      return healthcheck(inst, c);
    case 'onbuild': {
      const trigger = inst.args.trim();
      const kw = /^(\S+)/.exec(trigger)?.[1]?.toUpperCase() ?? '';
      need(kw !== '', 'ONBUILD requires at least one argument');
      if (kw === 'ONBUILD') throw new StepError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (kw === 'FROM' || kw === 'MAINTAINER') throw new StepError(`${kw} isn't allowed as an ONBUILD trigger`);
      const line = kw + trigger.slice(kw.length);
      c.OnBuild = [...(c.OnBuild ?? []), line];
      return ` ONBUILD ${line}`;
    }
    default:
      throw new StepError(`unknown instruction: ${name}`);
  }
}

function healthcheck(inst: Instruction, c: OciImageConfig): string {
  const args = inst.args.trim();
  const kw = /^(\S+)\s*([\s\S]*)$/.exec(args);
  const sub = kw?.[1]?.toUpperCase();
  if (sub === 'NONE') {
    if (inst.flags.length || kw?.[2]) throw new StepError('HEALTHCHECK NONE takes no arguments');
    c.Healthcheck = { Test: ['NONE'] };
    return ' HEALTHCHECK NONE';
  }
  if (sub !== 'CMD') throw new StepError(`Unknown type "${sub ?? ''}" in HEALTHCHECK (try CMD)`);
  const rest = kw?.[2] ?? '';
  const json = rest.trim().startsWith('[') ? (() => { try { return JSON.parse(rest) as string[]; } catch { return undefined; } })() : undefined;
  const test = json ? ['CMD', ...json] : ['CMD-SHELL', rest];
  if (test.length < 2 || (test[0] === 'CMD-SHELL' && rest.trim() === '')) throw new StepError('Missing command after HEALTHCHECK CMD');
  const hc: NonNullable<OciImageConfig['Healthcheck']> = { Test: test };
  for (const f of inst.flags) {
    const v = f.value ?? '';
    switch (f.name) {
      case 'interval': hc.Interval = parseDuration(v, 'interval'); break;
      case 'timeout': hc.Timeout = parseDuration(v, 'timeout'); break;
      case 'start-period': hc.StartPeriod = parseDuration(v, 'start-period'); break;
      case 'start-interval': hc.StartInterval = parseDuration(v, 'start-interval'); break;
      case 'retries': {
        const n = Number(v);
        if (!/^\d+$/.test(v)) throw new StepError(`invalid argument "${v}" for --retries`);
        if (n < 1) throw new StepError(`--retries cannot be 0`);
        hc.Retries = n;
        break;
      }
      default: throw new StepError(`Unknown flag: ${f.name}`);
    }
  }
  c.Healthcheck = hc;
  return ` HEALTHCHECK &{${JSON.stringify(test).replace(/","/g, '" "')} ${hc.Interval ?? 0} ${hc.Timeout ?? 0} ${hc.StartPeriod ?? 0} ${hc.Retries ?? 0}}`;
}

/** "80" → 80/tcp; "8000-8002/udp" → three ports. */
function expandPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(spec.trim());
  if (!m) throw new StepError(`Invalid containerPort: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  if (to < from || to > 65535) throw new StepError(`Invalid range specified for the Port: ${spec}`);
  const out: string[] = [];
  for (let p = from; p <= to; p++) out.push(`${p}/${proto}`);
  return out;
}
