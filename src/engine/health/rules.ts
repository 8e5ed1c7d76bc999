// Docker's healthcheck rules as pure functions: defaults, the command a test runs, how one probe
// result moves the state (failing streak, retries, start period), and when the next probe runs.
import type { HealthcheckSpec, HealthLogEntry, HealthState, HealthStatus } from '../types.js';

const NS_PER_MS = 1_000_000;
/** Docker's defaults: 30 s interval and timeout, 3 retries, no start period, 5 s start interval. */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_START_INTERVAL_MS = 5_000;
/** inspect keeps this many results... */
export const MAX_LOG_ENTRIES = 5;
/** ...each with at most this much output (then "..." as Docker marks the cut). */
export const MAX_OUTPUT_BYTES = 4096;

export interface ProbeConfig {
  cmd: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const ms = (ns: number | undefined, dflt: number) => (ns && ns > 0 ? Math.max(1, Math.round(ns / NS_PER_MS)) : dflt);

/** The probe a container runs, or undefined when it has none (no test, or NONE). */
export function probeConfig(hc: HealthcheckSpec | undefined, shell: string[] = ['/bin/sh', '-c']): ProbeConfig | undefined {
  const test = hc?.test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  let cmd: string[];
  if (test[0] === 'CMD') cmd = test.slice(1);
  else if (test[0] === 'CMD-SHELL') cmd = [...shell, test.slice(1).join(' ')];
  else cmd = [...shell, test.join(' ')]; // a bare string list is taken as a shell command, as Docker's builder stores it
  if (cmd.length === 0) return undefined;
  return {
    cmd,
    intervalMs: ms(hc?.interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc?.timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc?.startPeriod, 0),
    startIntervalMs: ms(hc?.startInterval, DEFAULT_START_INTERVAL_MS),
    retries: hc?.retries && hc.retries > 0 ? hc.retries : DEFAULT_RETRIES,
  };
}

/** A create request's healthcheck over the image's: an empty test and zero durations inherit (Docker's merge). */
export function mergeHealthcheck(spec: HealthcheckSpec | undefined, image: HealthcheckSpec | undefined): HealthcheckSpec | undefined {
  if (!spec) return image;
  if (!image) return spec;
  return {
    test: spec.test && spec.test.length ? spec.test : image.test,
    interval: spec.interval || image.interval,
    timeout: spec.timeout || image.timeout,
    startPeriod: spec.startPeriod || image.startPeriod,
    startInterval: spec.startInterval || image.startInterval,
    retries: spec.retries || image.retries,
  };
}

/** Output cut as Docker cuts it: the first 4096 bytes, then "..." if there was more. */
export function truncateOutput(out: Buffer, cutAlready = false): string {
  if (out.length <= MAX_OUTPUT_BYTES) return cutAlready ? `${out.toString('utf8')}...` : out.toString('utf8');
  return `${out.subarray(0, MAX_OUTPUT_BYTES).toString('utf8')}...`;
}

/**
 * Records one result and moves the status: a pass makes it healthy and clears the streak; a failure
 * adds to the streak (unless the container is still starting and within its start period) and
 * turns it unhealthy once the streak reaches `retries`. Returns the status before.
 */
export function applyResult(state: HealthState, result: HealthLogEntry, cfg: ProbeConfig, startedAtMs: number): HealthStatus {
  const before = state.status;
  state.log.push(result);
  if (state.log.length > MAX_LOG_ENTRIES) state.log.splice(0, state.log.length - MAX_LOG_ENTRIES);
  if (result.exitCode === 0) {
    state.failingStreak = 0;
    state.status = 'healthy';
    return before;
  }
  const inGrace = state.status === 'starting' && Date.parse(result.start) - startedAtMs < cfg.startPeriodMs;
  if (!inGrace) {
    state.failingStreak++;
    if (state.failingStreak >= cfg.retries) state.status = 'unhealthy';
  }
  return before;
}

/** Time to the next probe: the start interval while starting within the start period, else the interval. */
export function nextDelay(state: HealthState, cfg: ProbeConfig, startedAtMs: number, now = Date.now()): number {
  if (now - startedAtMs < cfg.startPeriodMs && state.status === 'starting') return cfg.startIntervalMs;
  return cfg.intervalMs;
}
