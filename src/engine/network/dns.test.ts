import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOfReverseName } from './dns.js';

test('a PTR name of in-addr.arpa gives the address it asks about; other names give nothing', () => {
  assert.equal(addressOfReverseName('2.0.20.172.in-addr.arpa'), '172.20.0.2');
  assert.equal(addressOfReverseName('2.0.20.172.IN-ADDR.ARPA.'), '172.20.0.2');
  assert.equal(addressOfReverseName('0.20.172.in-addr.arpa'), undefined, 'a zone, not an address');
  assert.equal(addressOfReverseName('2.0.20.300.in-addr.arpa'), undefined);
  assert.equal(addressOfReverseName('web.mynet'), undefined);
});
