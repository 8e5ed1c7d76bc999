// Every example project under examples/ loads and renders: they are what users copy first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject, renderYaml } from '../../src/compose/index.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

// Every directory with a compose.yaml is an example (common/ holds the images they share).
const names = readdirSync(examples).filter((n) => existsSync(join(examples, n, 'compose.yaml')));

test('the examples are all there', () => {
  assert.deepEqual(names.sort(), ['celery-rabbitmq', 'flask-postgres', 'hello', 'networks', 'nginx-replicas', 'overrides']);
});

for (const name of names) {
  test(`example ${name} loads and renders`, () => {
    const { project, warnings } = loadProject({ cwd: join(examples, name), env: { HOME: '/root' } });
    assert.equal(project.name, name);
    assert.ok(Object.keys(project.services).length > 0);
    assert.deepEqual(warnings, []);
    assert.match(renderYaml(project), new RegExp(`^name: ${name}\\nservices:\\n`));
  });
}

test('the overrides example reads compose.override.yaml by default: debug on, source bind-mounted, one replica', () => {
  const cwd = join(examples, 'overrides');
  const { project } = loadProject({ cwd, env: { HOME: '/root' } });
  assert.deepEqual(Object.keys(project.services), ['web']);
  const web = project.services.web;
  assert.equal(web.image, 'berth-examples/overrides-web:latest');
  assert.deepEqual(web.environment, { DEBUG: 'true' });
  assert.deepEqual(web.volumes?.map((v) => [v.type, v.source, v.target]), [['bind', cwd, '/code']]);
  assert.deepEqual(web.ports?.map((p) => [p.published, p.target]), [['8000', 5000]]);
  assert.equal(web.deploy?.replicas, undefined);
  assert.equal(web.restart, undefined);
});

test('the overrides example switches to production with -f: three replicas behind a proxy, no debug', () => {
  const cwd = join(examples, 'overrides');
  const { project } = loadProject({ cwd, env: { HOME: '/root', TAG: '1.2', WEB_PORT: '9000' }, configPaths: ['compose.yaml', 'compose.prod.yaml'] });
  assert.deepEqual(Object.keys(project.services).sort(), ['proxy', 'web']);
  const web = project.services.web;
  assert.equal(web.image, 'berth-examples/overrides-web:1.2');
  assert.equal(web.restart, 'always');
  assert.deepEqual(web.environment, { DEBUG: 'false', LOG_LEVEL: 'warning' });
  assert.equal(web.deploy?.replicas, 3);
  assert.equal(web.volumes, undefined, 'no bind mount of the source in production');
  assert.deepEqual(web.ports ?? [], [], 'only the proxy publishes a port');
  const proxy = project.services.proxy;
  assert.deepEqual(proxy.ports?.map((p) => [p.published, p.target]), [['9000', 80]]);
  assert.deepEqual(Object.keys(proxy.depends_on ?? {}), ['web']);
});
