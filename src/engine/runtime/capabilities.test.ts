import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCapabilities, DOCKER_DEFAULT_CAPS, hostBoundingSet } from './capabilities.js';

test("Docker's defaults, adds and drops (ALL too), never beyond the host's bounding set", () => {
  assert.deepEqual(resolveCapabilities({ privileged: false, capAdd: [], capDrop: [] }).sort(), [...DOCKER_DEFAULT_CAPS].sort());
  const r = resolveCapabilities({ privileged: false, capAdd: ['net_admin'], capDrop: ['CAP_CHOWN'] });
  assert.ok(r.includes('CAP_NET_ADMIN') && !r.includes('CAP_CHOWN'));
  assert.deepEqual(resolveCapabilities({ privileged: false, capAdd: ['KILL'], capDrop: ['ALL'] }), ['CAP_KILL']);
  assert.deepEqual(resolveCapabilities({ privileged: true, capAdd: [], capDrop: [] }), hostBoundingSet());
  assert.ok(resolveCapabilities({ privileged: false, capAdd: ['ALL'], capDrop: [] }).every((c) => hostBoundingSet().includes(c)));
  assert.throws(() => resolveCapabilities({ privileged: false, capAdd: ['NOPE'], capDrop: [] }), /invalid capability: NOPE/);
});
