import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseBytes, parseDuration } from './units.js';

test('durations print as Go does', () => {
  const cases: Array<[string, string]> = [
    ['90s', '1m30s'], ['1m30s', '1m30s'], ['1h', '1h0m0s'], ['1500ms', '1.5s'], ['500ms', '500ms'], ['0', '0s'],
    ['2d', '48h0m0s'], ['1.5h', '1h30m0s'], ['10us', '10µs'], ['3ns', '3ns'], ['1m0.25s', '1m0.25s'],
  ];
  for (const [input, want] of cases) assert.equal(formatDuration(parseDuration(input)), want, input);
});

test('bad durations are rejected', () => {
  assert.throws(() => parseDuration('10x'));
  assert.throws(() => parseDuration('s'));
});

test('sizes use binary units', () => {
  assert.equal(parseBytes('512m'), 536870912);
  assert.equal(parseBytes('1gb'), 1073741824);
  assert.equal(parseBytes('1.5k'), 1536);
  assert.equal(parseBytes('2GiB'), 2147483648);
  assert.equal(parseBytes(1000), 1000);
  assert.equal(parseBytes('100'), 100);
  assert.throws(() => parseBytes('12zz'));
});
