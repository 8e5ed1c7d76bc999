import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_FILTERS, eventFilter, eventJson, eventJsonText } from './event-json.js';
import { parseFilters } from '../wire/filters.js';
import type { EngineEvent } from '../../../engine/types.js';

const ev = (type: EngineEvent['type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent =>
  ({ type, action, id, attributes, timeNano: 1_700_000_000_123_456_789n });

const pick = (f: Record<string, string[]>) => eventFilter(parseFilters(JSON.stringify(f), EVENT_FILTERS));

const CID = 'c0ffee'.padEnd(64, '0');
const start = ev('container', 'start', CID, { name: 'web', image: 'busybox:1.36', 'com.example.tier': 'front' });
const execStart = ev('container', 'exec_start: sh -c date', CID, { name: 'web', image: 'busybox:1.36', execID: 'e1' });
const health = ev('container', 'health_status: unhealthy', CID, { name: 'web', image: 'busybox:1.36' });
const tag = ev('image', 'tag', 'sha256:abc', { name: 'busybox:1.36' });
const connect = ev('network', 'connect', 'n1'.padEnd(64, '1'), { name: 'appnet', type: 'bridge', container: CID });
const mount = ev('volume', 'mount', 'data', { driver: 'local', container: CID });

test('Docker\'s message shape, with the legacy status/id/from for containers only and images', () => {
  const j = eventJson(start);
  assert.deepEqual(Object.keys(j), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.equal(j.time, 1_700_000_000);
  assert.match(eventJsonText(start), /,"timeNano":1700000000123456789}$/);
  assert.equal(JSON.parse(eventJsonText(start)).Actor.Attributes.name, 'web');
  assert.equal(j.from, 'busybox:1.36');
  assert.equal(eventJson(tag).status, 'tag');
  assert.equal(eventJson(tag).from, undefined);
  assert.equal(eventJson(connect).status, undefined);
});

test('container filter: id, id prefix, name or name prefix; other types are left out', () => {
  assert.ok(pick({ container: ['web'] })(start));
  assert.ok(pick({ container: ['c0ffee'] })(start));
  assert.ok(pick({ container: ['we'] })(start));
  assert.ok(!pick({ container: ['db'] })(start));
  assert.ok(!pick({ container: ['web'] })(connect));
});

test('event filter: exact, but exec_start/exec_create/health_status match their longer actions', () => {
  assert.ok(pick({ event: ['start'] })(start));
  assert.ok(!pick({ event: ['start'] })(execStart));
  assert.ok(pick({ event: ['exec_start'] })(execStart));
  assert.ok(pick({ event: ['health_status'] })(health));
  assert.ok(pick({ event: ['health_status: unhealthy'] })(health));
  assert.ok(!pick({ event: ['die', 'stop'] })(start));
});

test('image filter: image events by id or name, container events by their image, with or without tag', () => {
  assert.ok(pick({ image: ['busybox'] })(start));
  assert.ok(pick({ image: ['busybox:1.36'] })(start));
  assert.ok(!pick({ image: ['alpine'] })(start));
  assert.ok(pick({ image: ['busybox'] })(tag));
  assert.ok(pick({ image: ['sha256:abc'] })(tag));
  assert.ok(!pick({ image: ['busybox'] })(connect));
});

test('type, label, network and volume filters; values of one key are ORed, keys are ANDed', () => {
  assert.ok(pick({ type: ['image', 'container'] })(start));
  assert.ok(!pick({ type: ['network'] })(start));
  assert.ok(pick({ label: ['com.example.tier=front'] })(start));
  assert.ok(pick({ label: ['com.example.tier'] })(start));
  assert.ok(!pick({ label: ['com.example.tier=back'] })(start));
  assert.ok(pick({ network: ['appnet'] })(connect));
  assert.ok(!pick({ network: ['other'] })(connect));
  assert.ok(pick({ volume: ['data'] })(mount));
  assert.ok(pick({ type: ['volume'], event: ['mount'] })(mount));
  assert.ok(!pick({ type: ['volume'], event: ['unmount'] })(mount));
  assert.ok(!pick({ service: ['x'] })(start), 'swarm filters match nothing on one engine');
});

test('an unknown filter key is a bad request', () => {
  assert.throws(() => pick({ colour: ['red'] }), /invalid filter 'colour'/);
});
