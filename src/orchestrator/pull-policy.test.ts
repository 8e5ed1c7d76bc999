import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../common/errors.js';
import type { ServiceConfig } from '../compose/index.js';
import { lastTagMs, mustPull, pullPolicyOf, refreshWindowMs } from './pull-policy.js';

const svc = (pull_policy?: string) => ({ name: 'web', image: 'x', pull_policy }) as ServiceConfig;
const H = 3_600_000;

test('pull_policy values read as compose-go reads them; up --pull overrides them', () => {
  assert.deepEqual(pullPolicyOf(svc()), { kind: 'missing' });
  assert.deepEqual(pullPolicyOf(svc('if_not_present')), { kind: 'missing' });
  assert.deepEqual(pullPolicyOf(svc('refresh')), { kind: 'missing' });
  for (const k of ['always', 'never', 'missing', 'build'] as const) assert.deepEqual(pullPolicyOf(svc(k)), { kind: k });
  assert.deepEqual(pullPolicyOf(svc('daily')), { kind: 'refresh', everyMs: 24 * H });
  assert.deepEqual(pullPolicyOf(svc('weekly')), { kind: 'refresh', everyMs: 7 * 24 * H });
  assert.deepEqual(pullPolicyOf(svc('every_1d12h')), { kind: 'refresh', everyMs: 36 * H });
  assert.deepEqual(pullPolicyOf(svc('never'), 'always'), { kind: 'always' });
  assert.deepEqual(pullPolicyOf(svc('never'), 'policy'), { kind: 'never' });
  assert.equal(refreshWindowMs('30m'), 30 * 60_000);
  assert.equal(refreshWindowMs('12x'), undefined);
  assert.throws(() => pullPolicyOf(svc('every_soon')), (e: unknown) => isBerthError(e, 'invalid_argument') && /pull_policy "every_soon"/.test((e as Error).message));
});

test('mustPull: always pulls, never and build do not, missing when absent, refresh when last tagged too long ago', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const fresh = { lastTagMs: now - H };
  assert.equal(mustPull({ kind: 'always' }, fresh, now), true);
  assert.equal(mustPull({ kind: 'never' }, undefined, now), false);
  assert.equal(mustPull({ kind: 'build' }, undefined, now), false);
  assert.equal(mustPull({ kind: 'missing' }, fresh, now), false);
  assert.equal(mustPull({ kind: 'missing' }, undefined, now), true);
  assert.equal(mustPull({ kind: 'refresh', everyMs: 2 * H }, fresh, now), false);
  assert.equal(mustPull({ kind: 'refresh', everyMs: H / 2 }, fresh, now), true);
  assert.equal(mustPull({ kind: 'refresh', everyMs: 24 * H }, undefined, now), true);
  // Docker's zero LastTagTime (a pulled image): due at once.
  assert.equal(mustPull({ kind: 'refresh', everyMs: 24 * H }, { lastTagMs: lastTagMs({ LastTagTime: '0001-01-01T00:00:00Z' }) }, now), true);
  assert.equal(lastTagMs({ LastTagTime: '2026-11-23T11:00:00.123456789Z' }), Date.parse('2026-11-23T11:00:00.123Z'));
});
