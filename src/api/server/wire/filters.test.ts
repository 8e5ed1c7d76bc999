import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchLabels, parseFilters, parseTimestampNanos, parseTimestampSeconds, parseUntil } from './filters.js';

test('filters accept the list form and the legacy map form', () => {
  assert.deepEqual([...parseFilters('{"status":["running","exited"]}')], [['status', ['running', 'exited']]]);
  assert.deepEqual([...parseFilters('{"label":{"a=b":true,"c":false}}')], [['label', ['a=b']]]);
  assert.equal(parseFilters('').size, 0);
  assert.equal(parseFilters(undefined).size, 0);
});

test('malformed or unknown filters are rejected', () => {
  assert.throws(() => parseFilters('{nope'), /invalid filter/);
  assert.throws(() => parseFilters('{"color":["red"]}', ['status']), /invalid filter 'color'/);
});

test('label filters match presence and equality', () => {
  const labels = { app: 'web', tier: '' };
  assert.ok(matchLabels(labels, ['app']));
  assert.ok(matchLabels(labels, ['app=web', 'tier']));
  assert.ok(!matchLabels(labels, ['app=db']));
  assert.ok(matchLabels(labels, undefined));
});

test('timestamps: unix seconds with fractions or RFC 3339', () => {
  assert.equal(parseTimestampSeconds('1700000000.5'), 1700000000.5);
  assert.equal(parseTimestampSeconds('2023-11-14T22:13:20Z'), 1700000000);
  assert.equal(parseTimestampNanos('1700000000.000000001'), 1700000000000000001n);
  assert.throws(() => parseTimestampSeconds('yesterday'), /invalid timestamp/);
});

test('until accepts a Go duration relative to now', () => {
  assert.equal(parseUntil('1h30m', 10_000_000), (10_000_000 - 5_400_000) / 1000);
  assert.equal(parseUntil('1700000000'), 1700000000);
});
