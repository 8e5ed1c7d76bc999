import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute, MissingRequiredVariable, InvalidTemplate } from './template.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '' };
const lookup = (k: string) => env[k];
const sub = (s: string) => substitute(s, lookup);

test('plain and braced variables', () => {
  assert.equal(sub('$SET and ${SET}'), 'value and value');
  assert.equal(sub('${SET}x$SET-y'), 'valuex' + 'value-y');
});

test('defaults distinguish unset from empty', () => {
  assert.equal(sub('${EMPTY:-d}'), 'd');
  assert.equal(sub('${EMPTY-d}'), '');
  assert.equal(sub('${UNSET-d}'), 'd');
  assert.equal(sub('${UNSET:-d}'), 'd');
});

test('alternatives apply only when set', () => {
  assert.equal(sub('${SET:+alt}'), 'alt');
  assert.equal(sub('${EMPTY:+alt}'), '');
  assert.equal(sub('${EMPTY+alt}'), 'alt');
  assert.equal(sub('${UNSET+alt}'), '');
});

test('nested defaults are interpolated, eagerly as in compose-go v2.9.1', () => {
  assert.equal(sub('${UNSET:-${SET}}'), 'value');
  assert.equal(sub('${UNSET:-${UNSET2:-${SET:-x}}}'), 'value');
  assert.throws(() => sub('${SET:-${MISSING:?evaluated even though SET is set}}'), MissingRequiredVariable);
});

test('required variables throw with the variable and the reason', () => {
  assert.throws(() => sub('${UNSET:?please set it}'), (e: unknown) => e instanceof MissingRequiredVariable && e.variable === 'UNSET' && e.reason === 'please set it');
  assert.throws(() => sub('${EMPTY:?}'), MissingRequiredVariable);
  assert.equal(sub('${EMPTY?}'), '');
  assert.throws(() => sub('${UNSET?}'), /required variable UNSET is missing a value$/);
});

test('$$ escapes a dollar and a lone $ stays', () => {
  assert.equal(sub('$$SET $${SET} 5$ $1'), '$SET ${SET} 5$ $1');
});

test('unset plain variables become empty and are reported', () => {
  const unset: string[] = [];
  assert.equal(substitute('a${NOPE}b$NOPE2', lookup, { onUnset: (n) => unset.push(n) }), 'ab');
  assert.deepEqual(unset, ['NOPE', 'NOPE2']);
});

test('malformed templates are errors', () => {
  assert.throws(() => sub('${}'), InvalidTemplate);
  assert.throws(() => sub('${SET'), InvalidTemplate);
  assert.throws(() => sub('${1ABC}'), InvalidTemplate);
  assert.throws(() => sub('${SET!x}'), InvalidTemplate);
});
