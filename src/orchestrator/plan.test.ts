import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDown, planUp, type ContainerStep } from './plan.js';
import { observedOf, projectFrom, state } from './test-project.js';
import { isBerthError } from '../common/errors.js';

const TWO = `
services:
  web:
    image: busybox
    command: sleep 1000
    depends_on: [db]
    environment: {MODE: one}
  db:
    image: busybox
    command: sleep 1000
volumes:
  data: {}
`;

const summary = (steps: ContainerStep[]) =>
  steps.map((s) => ('name' in s ? `${s.action} ${s.name}` : `${s.action} ${s.container.name}`));

test('a cold up creates the default network, volumes and one container per service, dependencies first', () => {
  const p = projectFrom(TWO.replace('    command: sleep 1000\nvolumes', '    command: sleep 1000\n    volumes: [data:/data]\nvolumes'));
  const plan = planUp(p, state([]));
  assert.deepEqual(plan.order, ['db', 'web']);
  assert.deepEqual(plan.networks, [{ key: 'default', name: 'demo_default', external: false, create: true }]);
  assert.deepEqual(plan.volumes, [{ key: 'data', name: 'demo_data', external: false, create: true }]);
  assert.deepEqual(summary(plan.steps.db), ['create demo-db-1']);
  assert.deepEqual(summary(plan.steps.web), ['create demo-web-1']);
});

test('a second up with nothing changed keeps every container and creates nothing', () => {
  const p = projectFrom(TWO);
  const plan = planUp(p, state([observedOf(p, 'db', 1), observedOf(p, 'web', 1)], ['demo_default']));
  assert.equal(plan.networks[0].create, false);
  assert.deepEqual([...summary(plan.steps.db), ...summary(plan.steps.web)], ['keep demo-db-1', 'keep demo-web-1']);
});

test('a changed environment recreates only that service', () => {
  const before = projectFrom(TWO);
  const after = projectFrom(TWO.replace('MODE: one', 'MODE: two'));
  const plan = planUp(after, state([observedOf(before, 'db', 1), observedOf(before, 'web', 1)], ['demo_default']));
  assert.deepEqual(summary(plan.steps.db), ['keep demo-db-1']);
  assert.deepEqual(summary(plan.steps.web), ['recreate demo-web-1']);
});

test('a recreated dependency restarts dependents that ask for it (depends_on restart: true)', () => {
  const yaml = TWO.replace('depends_on: [db]', 'depends_on: {db: {condition: service_started, restart: true}}');
  const before = projectFrom(yaml);
  const after = projectFrom(yaml.replace('  db:\n    image: busybox\n    command: sleep 1000', '  db:\n    image: busybox\n    command: sleep 2000'));
  const plan = planUp(after, state([observedOf(before, 'db', 1), observedOf(before, 'web', 1)], ['demo_default']));
  assert.deepEqual(summary(plan.steps.db), ['recreate demo-db-1']);
  assert.deepEqual(summary(plan.steps.web), ['restart demo-web-1']);
});

test('an image whose id changed recreates the containers made from the old one', () => {
  const p = projectFrom(TWO);
  const db = { ...observedOf(p, 'db', 1), imageLabel: 'sha256:old' };
  const plan = planUp(p, state([db, observedOf(p, 'web', 1)], ['demo_default']), { imageIds: { busybox: 'sha256:new' } });
  assert.deepEqual(summary(plan.steps.db), ['recreate demo-db-1']);
});

test('--force-recreate recreates everything, --no-recreate nothing (stopped ones are started)', () => {
  const before = projectFrom(TWO);
  const after = projectFrom(TWO.replace('MODE: one', 'MODE: two'));
  const observed = state([observedOf(before, 'db', 1, 'exited'), observedOf(before, 'web', 1)], ['demo_default']);
  const forced = planUp(after, observed, { recreate: 'force' });
  assert.deepEqual([...summary(forced.steps.db), ...summary(forced.steps.web)], ['recreate demo-db-1', 'recreate demo-web-1']);
  const never = planUp(after, observed, { recreate: 'never' });
  assert.deepEqual([...summary(never.steps.db), ...summary(never.steps.web)], ['start demo-db-1', 'keep demo-web-1']);
});

test('scale up adds the next numbers; scale down removes the highest numbers first', () => {
  const p = projectFrom(TWO);
  const up = planUp(p, state([observedOf(p, 'db', 1), observedOf(p, 'web', 1)], ['demo_default']), { scale: { web: 3 } });
  assert.deepEqual(summary(up.steps.web), ['keep demo-web-1', 'create demo-web-2', 'create demo-web-3']);
  const three = [1, 2, 3].map((n) => observedOf(p, 'web', n));
  const down = planUp(p, state([observedOf(p, 'db', 1), ...three], ['demo_default']), { scale: { web: 1 } });
  assert.deepEqual(summary(down.steps.web), ['remove demo-web-3', 'remove demo-web-2', 'keep demo-web-1']);
});

test('deploy.replicas and scale set the number of containers; container_name cannot scale', () => {
  const p = projectFrom('services:\n  a: {image: busybox, deploy: {replicas: 2}}\n  b: {image: busybox, scale: 3}\n');
  const plan = planUp(p, state([]));
  assert.equal(plan.steps.a.length, 2);
  assert.deepEqual(summary(plan.steps.b), ['create demo-b-1', 'create demo-b-2', 'create demo-b-3']);
  const named = projectFrom('services:\n  a: {image: busybox, container_name: fixed}\n');
  assert.deepEqual(summary(planUp(named, state([])).steps.a), ['create fixed']);
  assert.throws(() => planUp(named, state([]), { scale: { a: 2 } }), (e) => isBerthError(e, 'invalid_argument') && /container_name/.test(e.message));
});

test('orphans are reported, and removed only with --remove-orphans', () => {
  const p = projectFrom(TWO);
  const old = { ...observedOf(p, 'db', 1), service: 'old', name: 'demo-old-1' };
  const plan = planUp(p, state([old]));
  assert.deepEqual(plan.orphans.map((c) => c.name), ['demo-old-1']);
  const down = planDown(p, state([old, observedOf(p, 'web', 1)], ['demo_default']));
  assert.deepEqual(down.containers.map((c) => c.name), ['demo-web-1']);
  assert.deepEqual(down.orphans.map((c) => c.name), ['demo-old-1']);
  const downAll = planDown(p, state([old, observedOf(p, 'web', 1)], ['demo_default']), { removeOrphans: true });
  assert.deepEqual(downAll.containers.map((c) => c.name), ['demo-old-1', 'demo-web-1']);
});

test('services named on the command line bring their dependencies and nothing else', () => {
  const p = projectFrom(`${TWO}  # end\n`.replace('volumes:\n  data: {}\n', '') + '');
  const withOther = projectFrom(TWO.replace('volumes:', '  other:\n    image: busybox\nvolumes:'));
  assert.deepEqual(planUp(withOther, state([]), { services: ['web'] }).order, ['db', 'web']);
  assert.deepEqual(planUp(p, state([]), { services: ['db'] }).order, ['db']);
  assert.throws(() => planUp(p, state([]), { services: ['nope'] }), /no such service: nope/);
});

test('external networks and volumes must exist and are never created or removed', () => {
  const yaml = `
services:
  a: {image: busybox, networks: [ext], volumes: ["vol:/v"]}
networks: {ext: {external: true, name: shared}}
volumes: {vol: {external: true}}
`;
  const p = projectFrom(yaml);
  assert.throws(() => planUp(p, state([])), (e) => isBerthError(e, 'not_found') && /network shared declared as external/.test(e.message));
  assert.throws(() => planUp(p, state([], ['shared'])), (e) => isBerthError(e, 'not_found') && /external volume "vol" not found/.test(e.message));
  const plan = planUp(p, state([], ['shared'], ['vol']));
  assert.deepEqual(plan.networks, [{ key: 'ext', name: 'shared', external: true, create: false }]);
  assert.deepEqual(plan.volumes, [{ key: 'vol', name: 'vol', external: true, create: false }]);
  const down = planDown(p, state([], ['shared'], ['vol']), { volumes: true });
  assert.deepEqual([down.networks, down.volumes], [[], []]);
});

test('down removes dependents first, then the project networks; -v adds the named volumes', () => {
  const p = projectFrom(TWO.replace('    command: sleep 1000\nvolumes', '    command: sleep 1000\n    volumes: [data:/data]\nvolumes'));
  const observed = state([observedOf(p, 'db', 1), observedOf(p, 'web', 1), observedOf(p, 'web', 2)], ['demo_default', 'bridge'], ['demo_data']);
  const plain = planDown(p, observed);
  assert.deepEqual(plain.containers.map((c) => c.name), ['demo-web-2', 'demo-web-1', 'demo-db-1']);
  assert.deepEqual(plain.networks, ['demo_default']);
  assert.deepEqual(plain.volumes, []);
  assert.deepEqual(planDown(p, observed, { volumes: true }).volumes, ['demo_data']);
});

test('--no-deps converges only the named services; --always-recreate-deps recreates dependents of a recreated service', () => {
  const before = projectFrom(TWO);
  assert.deepEqual(planUp(before, state([]), { services: ['web'], noDeps: true }).order, ['web']);
  const after = projectFrom(TWO.replace('  db:\n    image: busybox\n    command: sleep 1000', '  db:\n    image: busybox\n    command: sleep 2000'));
  const observed = state([observedOf(before, 'db', 1), observedOf(before, 'web', 1)], ['demo_default']);
  assert.deepEqual(summary(planUp(after, observed).steps.web), ['keep demo-web-1']);
  assert.deepEqual(summary(planUp(after, observed, { alwaysRecreateDeps: true }).steps.web), ['recreate demo-web-1']);
});

test('a container sharing a recreated service\'s network namespace is recreated with it', () => {
  const yaml = 'services:\n  side: {image: busybox, network_mode: "service:main"}\n  main: {image: busybox, command: [sleep, "1"]}\n';
  const before = projectFrom(yaml);
  const after = projectFrom(yaml.replace('"1"', '"2"'));
  const plan = planUp(after, state([observedOf(before, 'main', 1), observedOf(before, 'side', 1)], ['demo_default']));
  assert.deepEqual([...summary(plan.steps.main), ...summary(plan.steps.side)], ['recreate demo-main-1', 'recreate demo-side-1']);
});

test('one-off containers are never converged by up but are removed by down', () => {
  const p = projectFrom(TWO);
  const oneoff = { ...observedOf(p, 'web', 1), name: 'demo-web-run-0123456789ab', oneoff: true, id: 'x'.repeat(64) };
  const plan = planUp(p, state([observedOf(p, 'db', 1), observedOf(p, 'web', 1), oneoff], ['demo_default']));
  assert.deepEqual(summary(plan.steps.web), ['keep demo-web-1']);
  assert.deepEqual(plan.orphans, []);
  assert.deepEqual(planDown(p, state([observedOf(p, 'web', 1), oneoff])).containers.map((c) => c.name), ['demo-web-run-0123456789ab', 'demo-web-1']);
});

test('down --rmi all names every service image; local only the images Compose builds and names', async () => {
  const { imagesToRemove } = await import('./down.js');
  const p = projectFrom('services:\n  a: {image: busybox}\n  b: {build: .}\n  c: {image: busybox}\n');
  assert.deepEqual(imagesToRemove(p, 'all'), ['busybox', 'demo-b']);
  assert.deepEqual(imagesToRemove(p, 'local'), ['demo-b']);
  assert.deepEqual(imagesToRemove(p, undefined), []);
});

test('an existing network or volume another project made is used, with Compose\'s warning', () => {
  const p = projectFrom(TWO.replace('    command: sleep 1000\nvolumes', '    command: sleep 1000\n    volumes: [data:/data]\nvolumes'));
  const observed = state([], ['demo_default'], ['demo_data']);
  observed.networkLabels = new Map([['demo_default', { 'com.docker.compose.project': 'other' }]]);
  observed.volumeLabels = new Map([['demo_data', { 'com.docker.compose.project': 'demo' }]]);
  const plan = planUp(p, observed);
  assert.equal(plan.networks[0].create, false);
  assert.deepEqual(plan.warnings, ['a network with name demo_default exists but was not created for project "demo".\nSet `external: true` to use an existing network']);
  observed.volumeLabels = new Map([['demo_data', {}]]);
  assert.match(planUp(p, observed).warnings[1], /volume "demo_data" already exists but was not created by Docker Compose/);
});
