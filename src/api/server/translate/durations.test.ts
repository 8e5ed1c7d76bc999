import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from './durations.js';
import { statusText } from './container-json.js';

test('human durations read like Docker\'s status column', () => {
  assert.equal(humanDuration(200), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(42_000), '42 seconds');
  assert.equal(humanDuration(70_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(3_600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
});

test('status text for each state', () => {
  const now = Date.parse('2024-01-01T00:01:00Z');
  const base = { pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: '2024-01-01T00:00:00Z', finishedAt: '' };
  assert.equal(statusText({ ...base, status: 'running' }, now), 'Up About a minute');
  assert.equal(statusText({ ...base, status: 'paused' }, now), 'Up About a minute (Paused)');
  assert.equal(statusText({ ...base, status: 'running', health: { status: 'healthy', failingStreak: 0, log: [] } }, now), 'Up About a minute (healthy)');
  assert.equal(statusText({ ...base, status: 'exited', exitCode: 3, finishedAt: '2024-01-01T00:00:50Z' }, now), 'Exited (3) 10 seconds ago');
  assert.equal(statusText({ ...base, status: 'created', startedAt: '' }, now), 'Created');
});
