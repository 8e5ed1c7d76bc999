// What actually runs: the image's config merged with the create request, the way Docker merges
// them (an overridden entrypoint drops the image's cmd; env overrides by key; PATH and HOSTNAME set).
import type { ContainerSpec, ContainerRecord, HealthcheckSpec, ImageRecord } from '../types.js';
import { invalidArgument } from '../../common/errors.js';
import { parseSignal } from '../runtime/signals.js';
import { mergeHealthcheck } from '../health/rules.js';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function mergeEnv(base: string[], over: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...over]) {
    const k = e.includes('=') ? e.slice(0, e.indexOf('=')) : e;
    out.set(k, e);
  }
  return [...out.values()].filter((e) => e.includes('='));
}

export function effectiveConfig(spec: ContainerSpec, image: ImageRecord, hostname: string): { effective: ContainerRecord['effective']; path: string; args: string[] } {
  const ic = image.config ?? {};
  const entrypoint = spec.entrypoint !== undefined ? spec.entrypoint.filter((x, i) => !(i === 0 && x === '' && spec.entrypoint?.length === 1)) : (ic.Entrypoint ?? []);
  const cmd = spec.cmd && spec.cmd.length ? spec.cmd : spec.entrypoint !== undefined ? [] : (ic.Cmd ?? []);
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw invalidArgument('No command specified');
  let env = mergeEnv(ic.Env ?? [], spec.env);
  if (!env.some((e) => e.startsWith('PATH='))) env = [DEFAULT_PATH, ...env];
  env = mergeEnv([`HOSTNAME=${hostname}`, ...(spec.tty ? ['TERM=xterm'] : [])], env);
  const effective: ContainerRecord['effective'] = {
    env,
    workingDir: spec.workingDir || ic.WorkingDir || '/',
    user: spec.user ?? ic.User ?? '',
    cmd,
    entrypoint,
    labels: { ...(ic.Labels ?? {}), ...spec.labels },
    exposedPorts: [...new Set([...Object.keys(ic.ExposedPorts ?? {}), ...spec.exposedPorts])],
    volumes: [...new Set([...Object.keys(ic.Volumes ?? {}), ...spec.volumes])],
    stopSignal: parseSignal(spec.stopSignal ?? ic.StopSignal),
    healthcheck: mergeHealthcheck(spec.healthcheck, imageHealthcheck(ic.Healthcheck)),
  };
  return { effective, path: argv[0], args: argv.slice(1) };
}

/** The image config's HEALTHCHECK (Docker's field names) in the engine's shape. */
function imageHealthcheck(h: ImageRecord['config']['Healthcheck']): HealthcheckSpec | undefined {
  if (!h) return undefined;
  return { test: h.Test, interval: h.Interval || undefined, timeout: h.Timeout || undefined, startPeriod: h.StartPeriod || undefined, startInterval: h.StartInterval || undefined, retries: h.Retries || undefined };
}
