import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processWord, processWords } from './expander.js';

const env = new Map([['A', 'x'], ['EMPTY', ''], ['SP', 'a b']]);

test('$VAR, ${VAR} and the modifiers, as Docker substitutes them', () => {
  assert.equal(processWord('$A-${A}_$NOPE.', env), 'x-x_.');
  assert.equal(processWord('${NOPE:-d} ${EMPTY:-d} ${EMPTY-d} ${NOPE-d}', env), 'd d  d');
  assert.equal(processWord('${A:+set} ${EMPTY:+set} ${EMPTY+set} ${NOPE+set}', env), 'set  set ');
  assert.equal(processWord('${NOPE:-${A}}', env), 'x');
  assert.throws(() => processWord('${NOPE:?must be set}', env), /NOPE: must be set/);
  assert.equal(processWord('${A:?x}', env), 'x');
});

test('quotes and escapes: single quotes literal, double quotes expand, the escape char escapes', () => {
  assert.equal(processWord("'$A' \"$A\" \\$A", env), '$A x $A');
  assert.equal(processWord('"a \\"b\\" \\$A"', env), 'a "b" $A');
  assert.equal(processWord('`$A', env, '`'), '$A');
  assert.equal(processWord('C:\\dir', env, '`'), 'C:\\dir');
  assert.equal(processWord('$', env), '$');
});

test('processWords splits unquoted expansions into words', () => {
  assert.deepEqual(processWords('80 $SP "c d"', env), ['80', 'a', 'b', 'c d']);
});
