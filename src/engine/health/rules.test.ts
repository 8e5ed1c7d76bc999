import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthState } from '../types.js';
import { applyResult, mergeHealthcheck, nextDelay, probeConfig, truncateOutput } from './rules.js';

const S = 1_000_000_000;
const entry = (exitCode: number, atMs: number) => ({ start: new Date(atMs).toISOString(), end: new Date(atMs + 5).toISOString(), exitCode, output: '' });
const fresh = (): HealthState => ({ status: 'starting', failingStreak: 0, log: [] });

test('CMD runs as given, CMD-SHELL through /bin/sh -c, NONE and an empty test mean no probe', () => {
  assert.deepEqual(probeConfig({ test: ['CMD', 'cat', '/ok'] })?.cmd, ['cat', '/ok']);
  assert.deepEqual(probeConfig({ test: ['CMD-SHELL', 'test -f /ok'] })?.cmd, ['/bin/sh', '-c', 'test -f /ok']);
  assert.equal(probeConfig({ test: ['NONE'] }), undefined);
  assert.equal(probeConfig({ test: [] }), undefined);
  assert.equal(probeConfig(undefined), undefined);
  const d = probeConfig({ test: ['CMD', 'true'] })!;
  assert.deepEqual([d.intervalMs, d.timeoutMs, d.retries, d.startPeriodMs, d.startIntervalMs], [30_000, 30_000, 3, 0, 5_000]);
  assert.equal(probeConfig({ test: ['CMD', 'true'], interval: 2 * S, retries: 5 })!.intervalMs, 2000);
});

test('a create request inherits the image test and durations it leaves empty', () => {
  const image = { test: ['CMD-SHELL', 'true'], interval: 5 * S, retries: 4 };
  assert.deepEqual(mergeHealthcheck({ interval: 1 * S }, image), { test: ['CMD-SHELL', 'true'], interval: 1 * S, timeout: undefined, startPeriod: undefined, startInterval: undefined, retries: 4 });
  assert.deepEqual(mergeHealthcheck({ test: ['NONE'] }, image)?.test, ['NONE']);
  assert.equal(mergeHealthcheck(undefined, image), image);
});

test('failures count up to retries, then unhealthy; one pass clears the streak', () => {
  const cfg = probeConfig({ test: ['CMD', 'x'], retries: 3 })!;
  const st = fresh();
  applyResult(st, entry(0, 1000), cfg, 0);
  assert.equal(st.status, 'healthy');
  applyResult(st, entry(1, 2000), cfg, 0);
  applyResult(st, entry(1, 3000), cfg, 0);
  assert.deepEqual([st.status, st.failingStreak], ['healthy', 2]);
  assert.equal(applyResult(st, entry(1, 4000), cfg, 0), 'healthy');
  assert.deepEqual([st.status, st.failingStreak], ['unhealthy', 3]);
  applyResult(st, entry(0, 5000), cfg, 0);
  assert.deepEqual([st.status, st.failingStreak], ['healthy', 0]);
  applyResult(st, entry(0, 6000), cfg, 0);
  assert.equal(st.log.length, 5, 'the last five results are kept');
  assert.equal(st.log[4].start, new Date(6000).toISOString());
});

test('failures within the start period do not count while starting', () => {
  const cfg = probeConfig({ test: ['CMD', 'x'], retries: 1, startPeriod: 10 * S, startInterval: 1 * S, interval: 4 * S })!;
  const st = fresh();
  applyResult(st, entry(1, 5000), cfg, 0);
  assert.deepEqual([st.status, st.failingStreak], ['starting', 0]);
  assert.equal(nextDelay(st, cfg, 0, 5000), 1000, 'start interval during the start period');
  assert.equal(nextDelay(st, cfg, 0, 11_000), 4000);
  applyResult(st, entry(1, 11_000), cfg, 0);
  assert.deepEqual([st.status, st.failingStreak], ['unhealthy', 1]);
});

test('output is cut at 4096 bytes with a "..." mark', () => {
  assert.equal(truncateOutput(Buffer.from('ok\n')), 'ok\n');
  const long = truncateOutput(Buffer.alloc(5000, 'a'));
  assert.equal(long.length, 4099);
  assert.ok(long.endsWith('a...'));
});
