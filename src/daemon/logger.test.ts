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

test('engine events become log lines with the ids they concern', async () => {
  const { EventBus } = await import('../engine/events/bus.js');
  const { logEvents } = await import('../engine/events/log-events.js');
  const { log, lines } = capture('json');
  const bus = new EventBus();
  logEvents(bus, log);
  bus.publish('container', 'die', 'c1', { name: 'web', image: 'busybox', exitCode: '3', 'com.example': 'x' });
  bus.publish('container', 'exec_start: true', 'c1', { name: 'web', execID: 'e1' });
  bus.publish('network', 'connect', 'n1', { name: 'appnet', container: 'c1', type: 'bridge' });
  assert.equal(lines.length, 2, 'exec events are debug-level');
  assert.deepEqual(JSON.parse(lines[0]), { ...JSON.parse(lines[0]), level: 'info', msg: 'container die', container: 'c1', name: 'web', image: 'busybox', exitCode: '3' });
  assert.equal(JSON.parse(lines[0])['com.example'], undefined);
  const net = JSON.parse(lines[1]);
  assert.equal(net.network, 'n1');
  assert.equal(net.container, 'c1');
});
