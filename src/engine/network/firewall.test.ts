import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRuleset } from './firewall.js';

const nets = [{ bridge: 'b1', subnet: '10.1.0.0/24', internal: false }, { bridge: 'b2', subnet: '10.2.0.0/24', internal: true }];
const port = { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, proto: 'tcp' as const, containerId: 'c', containerIp: '10.1.0.2', networkId: 'n' };

test('the table is replaced whole, in one transaction (its rules flushed, or the table deleted)', () => {
  assert.match(renderRuleset('berth-x', nets, []), /^table ip berth-x \{\}\nflush table ip berth-x\ntable ip berth-x \{/);
  assert.match(renderRuleset('berth-x', nets, [], 'delete'), /^table ip berth-x \{\}\ndelete table ip berth-x\ntable ip berth-x \{/);
});

test('isolation: same bridge first, internal cut off, published before the cross-network drop', () => {
  const text = renderRuleset('t', nets, [port]);
  const body = text.slice(text.indexOf('chain forward {'), text.indexOf('\n  }', text.indexOf('chain forward {')));
  const fwd = body.split('\n').map((l) => l.trim()).slice(2);
  const at = (needle: string) => fwd.findIndex((l) => l.includes(needle));
  assert.ok(at('iifname "b1" oifname "b1" accept') === 0);
  assert.ok(at('iifname "b2" drop') < at('ct status dnat accept'));
  assert.ok(at('ct status dnat accept') < at('iifname { "b1", "b2" } oifname { "b1", "b2" } drop'));
  assert.equal(fwd.at(-1), 'oifname { "b1", "b2" } drop');
});

test('NAT: outbound masquerade only for non-internal networks; DNAT per published port', () => {
  const t = renderRuleset('t', nets, [port, { ...port, hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, proto: 'udp' }]);
  assert.match(t, /oifname != "b1" ip saddr 10\.1\.0\.0\/24 masquerade/);
  assert.doesNotMatch(t, /oifname != "b2"/);
  assert.match(t, /ip daddr 127\.0\.0\.1 tcp dport 8080 dnat to 10\.1\.0\.2:80/);
  assert.match(t, /\n {4}udp dport 5353 dnat to 10\.1\.0\.2:53/);
  assert.match(t, /fib daddr type local jump ports/);
});
