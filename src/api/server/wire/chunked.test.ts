import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeChunked } from './chunked.js';

test('a complete chunked body is decoded and what follows is left alone', () => {
  const wire = Buffer.from('4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\nSTDIN');
  const r = decodeChunked(wire);
  assert.ok(r);
  assert.equal(r.body.toString(), '{"a":1}');
  assert.equal(wire.subarray(r.consumed).toString(), 'STDIN');
});

test('an empty chunked body is just the last chunk', () => {
  const r = decodeChunked(Buffer.from('0\r\n\r\nrest'));
  assert.deepEqual([r?.body.length, r?.consumed], [0, 5]);
});

test('an incomplete body asks for more', () => {
  assert.equal(decodeChunked(Buffer.from('4\r\n{"a')), null);
  assert.equal(decodeChunked(Buffer.from('0\r\n')), null);
});
