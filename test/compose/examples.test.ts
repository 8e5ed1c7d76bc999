// Every example project under examples/ loads and renders: they are what users copy first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject, renderYaml } from '../../src/compose/index.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

for (const name of readdirSync(examples).filter((n) => statSync(join(examples, n)).isDirectory())) {
  test(`example ${name} loads and renders`, () => {
    const { project, warnings } = loadProject({ cwd: join(examples, name), env: { HOME: '/root' } });
    assert.equal(project.name, name);
    assert.ok(Object.keys(project.services).length > 0);
    assert.deepEqual(warnings, []);
    assert.match(renderYaml(project), new RegExp(`^name: ${name}\\nservices:\\n`));
  });
}

test('the overrides example switches to production with -f', () => {
  const cwd = join(examples, 'overrides');
  const { project } = loadProject({ cwd, env: { HOME: '/root', TAG: '1.2' }, configPaths: ['compose.yaml', 'compose.prod.yaml'] });
  const web = project.services.web;
  assert.equal(web.image, 'example/web:1.2');
  assert.equal(web.restart, 'always');
  assert.deepEqual(web.environment, { DEBUG: 'false', LOG_LEVEL: 'warning' });
  assert.equal(web.deploy?.replicas, 3);
  assert.equal(web.build, undefined);
});
