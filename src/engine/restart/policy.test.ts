import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, policyRestarts, restartsAtBoot } from './policy.js';

const facts = (exitCode: number, restartCount = 0, manuallyStopped = false) => ({ exitCode, restartCount, manuallyStopped });

test('always and unless-stopped restart on any exit, on-failure only on a non-zero one', () => {
  for (const name of ['always', 'unless-stopped'] as const) {
    assert.equal(policyRestarts({ name, maximumRetryCount: 0 }, facts(0)), true);
    assert.equal(policyRestarts({ name, maximumRetryCount: 0 }, facts(1)), true);
  }
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 0 }, facts(0)), false);
  assert.equal(policyRestarts({ name: 'on-failure', maximumRetryCount: 0 }, facts(2, 99)), true);
  assert.equal(policyRestarts({ name: 'no', maximumRetryCount: 0 }, facts(1)), false);
});

test('on-failure:N stops after N restarts', () => {
  const p = { name: 'on-failure' as const, maximumRetryCount: 2 };
  assert.equal(policyRestarts(p, facts(1, 0)), true);
  assert.equal(policyRestarts(p, facts(1, 1)), true);
  assert.equal(policyRestarts(p, facts(1, 2)), false);
});

test('a manual stop is never undone, except by always when berthd starts', () => {
  for (const name of ['always', 'unless-stopped', 'on-failure'] as const) assert.equal(policyRestarts({ name, maximumRetryCount: 0 }, facts(137, 0, true)), false);
  assert.equal(restartsAtBoot({ name: 'always', maximumRetryCount: 0 }, facts(137, 0, true)), true);
  assert.equal(restartsAtBoot({ name: 'unless-stopped', maximumRetryCount: 0 }, facts(137, 0, true)), false);
  assert.equal(restartsAtBoot({ name: 'unless-stopped', maximumRetryCount: 0 }, facts(0)), true);
  assert.equal(restartsAtBoot({ name: 'on-failure', maximumRetryCount: 0 }, facts(0)), false);
});

test('the back-off doubles from 100 ms to one minute and resets after a 10 s run', () => {
  const b = new Backoff();
  const delays = Array.from({ length: 12 }, () => b.next(50));
  assert.deepEqual(delays.slice(0, 5), [100, 200, 400, 800, 1600]);
  assert.equal(delays[10], 60_000);
  assert.equal(delays[11], 60_000);
  assert.equal(b.next(10_000), 100);
  assert.equal(b.next(9_000), 200);
});
