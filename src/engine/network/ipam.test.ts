import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, chooseSubnet, newIpam, release } from './ipam.js';
import { parseCidr, formatCidr } from './ipv4.js';
import { isBerthError } from '../../common/errors.js';

test('addresses are handed out in order, never twice, and a freed one is not reused at once', () => {
  const s = newIpam(parseCidr('10.1.2.0/29'));
  assert.equal(s.gateway, '10.1.2.1');
  const got = [allocate(s, 'a'), allocate(s, 'b'), allocate(s, 'c')];
  assert.deepEqual(got, ['10.1.2.2', '10.1.2.3', '10.1.2.4']);
  release(s, '10.1.2.3');
  assert.equal(allocate(s, 'd'), '10.1.2.5');
  assert.equal(allocate(s, 'e'), '10.1.2.6');
  assert.equal(allocate(s, 'f'), '10.1.2.3'); // wrapped to the only free one
  assert.throws(() => allocate(s, 'g'), (e) => isBerthError(e, 'failed_precondition'));
});

test('requested addresses, ip-range and gateway are honoured and checked', () => {
  const s = newIpam(parseCidr('10.9.0.0/16'), '10.9.255.254', '10.9.4.0/24');
  assert.equal(allocate(s, 'a'), '10.9.4.0');
  assert.equal(allocate(s, 'b', '10.9.7.7'), '10.9.7.7');
  assert.throws(() => allocate(s, 'c', '10.9.7.7'), (e) => isBerthError(e, 'conflict'));
  assert.throws(() => allocate(s, 'c', '10.10.0.1'), (e) => isBerthError(e, 'invalid_argument'));
  assert.throws(() => allocate(s, 'c', '10.9.255.254'), (e) => isBerthError(e, 'conflict'));
  assert.throws(() => newIpam(parseCidr('10.9.0.0/16'), '10.8.0.1'), (e) => isBerthError(e, 'invalid_argument'));
  assert.throws(() => newIpam(parseCidr('10.9.0.0/16'), undefined, '10.8.0.0/24'), (e) => isBerthError(e, 'invalid_argument'));
});

test('subnets come from the pool and avoid what is taken', () => {
  const pool = { base: '172.20.0.0/14', size: 24 };
  const a = chooseSubnet(pool, [], 5);
  assert.equal(formatCidr(a), '172.20.5.0/24');
  const b = chooseSubnet(pool, [a, parseCidr('172.20.6.0/23')], 5);
  assert.equal(formatCidr(b), '172.20.8.0/24');
  const wrap = chooseSubnet(pool, [], 1023 + 1024);
  assert.equal(formatCidr(wrap), '172.23.255.0/24');
});
