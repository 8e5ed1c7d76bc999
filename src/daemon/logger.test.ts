import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { makeLogger } from './logger.js';

function capture(format: 'json' | 'text', level: 'debug' | 'info' = 'info') {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
  return { log: makeLogger({ level, format, out }), lines };
}

test('JSON logs are one object per line with level, time, msg and fields', () => {
  const { log, lines } = capture('json');
  log('info', 'container started', { id: 'abc' });
  const o = JSON.parse(lines[0]);
  assert.equal(o.level, 'info');
  assert.equal(o.msg, 'container started');
  assert.equal(o.id, 'abc');
  assert.ok(!Number.isNaN(Date.parse(o.time)));
});

test('levels below the threshold are dropped', () => {
  const { log, lines } = capture('json', 'info');
  log('debug', 'noise');
  log('warn', 'kept');
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]).msg, 'kept');
});

test('text logs quote values with spaces', () => {
  const { log, lines } = capture('text');
  log('error', 'failed', { error: 'no such file' });
  assert.match(lines[0], /ERROR failed error="no such file"$/);
});
