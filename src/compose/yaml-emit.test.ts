import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ordered, emitYaml, formatScalar } from './yaml-emit.js';
import { goYamlKeyLess } from './render.js';

test('strings are quoted only when yaml.v3 would read them back differently', () => {
  assert.equal(formatScalar('redis:alpine'), 'redis:alpine');
  assert.equal(formatScalar('8000'), '"8000"');
  assert.equal(formatScalar('yes'), '"yes"');
  assert.equal(formatScalar(''), '""');
  assert.equal(formatScalar('a: b'), "'a: b'");
  assert.equal(formatScalar('*x'), "'*x'");
  assert.equal(formatScalar('-q'), '-q');
  assert.equal(formatScalar('- q'), "'- q'");
  assert.equal(formatScalar('tab\there'), '"tab\\there"');
  assert.equal(formatScalar('1:20'), '"1:20"');
  assert.equal(formatScalar('2001-12-14'), '"2001-12-14"');
  assert.equal(formatScalar('a\rb'), '"a\\rb"');
  assert.equal(formatScalar('{"a": 1}'), '\'{"a": 1}\'');
});

test('block layout: nested maps, lists under keys, empty collections, literal blocks', () => {
  const doc = new Ordered([
    ['a', new Ordered([['b', [1, new Ordered([['c', 'd'], ['e', []]])]]])],
    ['f', new Ordered([])],
    ['g', 'x\ny'],
  ]);
  assert.equal(emitYaml(doc), 'a:\n  b:\n    - 1\n    - c: d\n      e: []\nf: {}\ng: |-\n  x\n  y\n');
});

test('map keys sort naturally, digits as numbers', () => {
  const sorted = ['a10', 'a2', 'a1', 'B', 'a_b', 'ab'].sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
  // yaml.v3 compares a non-letter run as a number (0 when it has no digits), so '_' sorts first.
  assert.deepEqual(sorted, ['B', 'a_b', 'a1', 'a2', 'a10', 'ab']);
});
