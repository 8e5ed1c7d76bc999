import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderResolvConf, ownHostsLines } from './container-files.js';

const host = 'nameserver 10.0.0.53\nnameserver 127.0.0.53\nsearch corp.example\noptions ndots:2 timeout:1\n';

test('with embedded DNS: 127.0.0.11, ndots:0, the host search domains', () => {
  assert.equal(renderResolvConf({ embedded: '127.0.0.11', hostResolvConf: host, dns: ['9.9.9.9'], dnsSearch: [], dnsOptions: [] }),
    'nameserver 127.0.0.11\nsearch corp.example\noptions ndots:0 timeout:1\n');
});

test('without: the host servers (no loopback ones) or --dns, --dns-search, --dns-option', () => {
  assert.equal(renderResolvConf({ hostResolvConf: host, dns: [], dnsSearch: [], dnsOptions: [] }), 'nameserver 10.0.0.53\nsearch corp.example\noptions ndots:2 timeout:1\n');
  assert.equal(renderResolvConf({ hostResolvConf: host, dns: ['1.1.1.1'], dnsSearch: ['a.b'], dnsOptions: ['rotate'] }), 'nameserver 1.1.1.1\nsearch a.b\noptions rotate\n');
});

test('hosts lines for each address', () => {
  const ep = { networkId: 'n', networkName: 'x', endpointId: 'e', ipAddress: '10.1.0.2', prefixLen: 24, gateway: '', macAddress: '', aliases: [], dnsNames: [] };
  assert.deepEqual(ownHostsLines([ep, { ...ep, ipAddress: '10.2.0.3' }], 'abc', 'example.org'), ['10.1.0.2\tabc.example.org abc', '10.2.0.3\tabc.example.org abc']);
});
