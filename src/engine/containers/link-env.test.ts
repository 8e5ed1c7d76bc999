import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkVariables, parseLink, withOwnEnvironment } from './link-env.js';

test('a link gives Docker\'s variables: default port, per port, name, the target\'s own env without HOME/PATH', () => {
  const env = linkVariables('web', 'db-main', { ip: '172.17.0.2', env: ['PATH=/bin', 'HOME=/root', 'PGDATA=/var/lib/pg', 'X=a=b'], exposedPorts: ['5432/tcp', '53/udp', '53/tcp'] });
  assert.deepEqual(env, [
    'DB_MAIN_PORT=tcp://172.17.0.2:53',
    'DB_MAIN_PORT_53_TCP=tcp://172.17.0.2:53', 'DB_MAIN_PORT_53_TCP_ADDR=172.17.0.2', 'DB_MAIN_PORT_53_TCP_PORT=53', 'DB_MAIN_PORT_53_TCP_PROTO=tcp',
    'DB_MAIN_PORT_53_UDP=udp://172.17.0.2:53', 'DB_MAIN_PORT_53_UDP_ADDR=172.17.0.2', 'DB_MAIN_PORT_53_UDP_PORT=53', 'DB_MAIN_PORT_53_UDP_PROTO=udp',
    'DB_MAIN_PORT_5432_TCP=tcp://172.17.0.2:5432', 'DB_MAIN_PORT_5432_TCP_ADDR=172.17.0.2', 'DB_MAIN_PORT_5432_TCP_PORT=5432', 'DB_MAIN_PORT_5432_TCP_PROTO=tcp',
    'DB_MAIN_NAME=/web/db-main',
    'DB_MAIN_ENV_PGDATA=/var/lib/pg', 'DB_MAIN_ENV_X=a=b',
  ]);
});

test('three or more consecutive ports also give _START/_END variables', () => {
  const env = linkVariables('me', 'r', { ip: '10.0.0.5', env: [], exposedPorts: ['8002/tcp', '8000/tcp', '8001/tcp'] });
  assert.deepEqual(env.filter((v) => /START|END/.test(v)), [
    'R_PORT_8000_TCP_START=tcp://10.0.0.5:8000', 'R_PORT_8000_TCP_PORT_START=8000',
    'R_PORT_8000_TCP_END=tcp://10.0.0.5:8002', 'R_PORT_8000_TCP_PORT_END=8002',
  ]);
  assert.equal(linkVariables('me', 'r', { ip: '10.0.0.5', env: [], exposedPorts: ['80/tcp', '81/tcp'] }).some((v) => /START/.test(v)), false);
});

test('link forms and precedence of the container\'s own variables', () => {
  assert.deepEqual(parseLink('/db:/web/alias'), { name: 'db', alias: 'alias' });
  assert.deepEqual(parseLink('db:al'), { name: 'db', alias: 'al' });
  assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
  assert.deepEqual(withOwnEnvironment(['A_NAME=/x/a', 'B=1'], ['B=2', 'PATH=/bin']), ['A_NAME=/x/a', 'B=2', 'PATH=/bin']);
});
