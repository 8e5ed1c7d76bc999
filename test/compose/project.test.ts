// The typed Project the orchestrator consumes: long forms, typed values, stable hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, parseDuration, serviceConfigHash, type Project } from '../../src/compose/index.js';

function load(yaml: string, env: Record<string, string> = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'berth-project-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), yaml);
    return loadProject({ cwd: dir, env: { HOME: '/root', ...env }, projectName: 'demo' }).project;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('services come in long form with typed values', () => {
  const p = load(`
services:
  web:
    image: nginx
    ports: ["127.0.0.1:8080:80"]
    environment: [TOKEN, MODE=prod]
    depends_on: [db]
    healthcheck:
      test: curl -f http://localhost
      interval: 1m30s
    stop_grace_period: 20s
    mem_limit: 64m
    deploy:
      replicas: 2
  db:
    image: postgres
    volumes: ["data:/var/lib/postgresql/data"]
volumes:
  data: {}
`);
  const web = p.services.web;
  assert.equal(web.name, 'web');
  assert.deepEqual(web.ports, [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(web.environment, { TOKEN: null, MODE: 'prod' });
  assert.deepEqual(web.depends_on, { db: { condition: 'service_started', required: true } });
  assert.deepEqual(web.healthcheck?.test, ['CMD-SHELL', 'curl -f http://localhost']);
  assert.equal(parseDuration(web.healthcheck?.interval ?? ''), 90e9);
  assert.equal(parseDuration(web.stop_grace_period ?? ''), 20e9);
  assert.equal(web.mem_limit, 64 * 1024 * 1024);
  assert.equal(web.deploy?.replicas, 2);
  assert.deepEqual(web.networks, { default: null });
  assert.equal(p.networks.default.name, 'demo_default');
  assert.equal(p.volumes.data.name, 'demo_data');
  assert.deepEqual(p.services.db.volumes, [{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data', volume: {} }]);
});

test('disabled services are kept apart with their profiles', () => {
  const p = load('services:\n  a:\n    image: x\n  b:\n    image: x\n    profiles: [debug]\n');
  assert.deepEqual(Object.keys(p.services), ['a']);
  assert.deepEqual(Object.keys(p.disabledServices), ['b']);
});

test('the config hash ignores key order and replicas, and changes with the container config', () => {
  const a = load('services:\n  s:\n    image: x\n    environment: {A: "1", B: "2"}\n    deploy: {replicas: 1}\n');
  const b = load('services:\n  s:\n    environment: [B=2, A=1]\n    deploy: {replicas: 5}\n    image: x\n');
  const c = load('services:\n  s:\n    image: x\n    environment: {A: "1", B: "3"}\n    deploy: {replicas: 1}\n');
  assert.equal(serviceConfigHash(a.services.s), serviceConfigHash(b.services.s));
  assert.notEqual(serviceConfigHash(a.services.s), serviceConfigHash(c.services.s));
  assert.match(serviceConfigHash(a.services.s), /^[0-9a-f]{64}$/);
});

test('discardEnvFiles: false folds env_file into environment and keeps it, as `up` does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-envfile-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  s:\n    image: x\n    env_file: a.env\n');
    writeFileSync(join(dir, 'a.env'), 'A=1\n');
    const { project } = loadProject({ cwd: dir, env: {}, discardEnvFiles: false });
    assert.deepEqual(project.services.s.environment, { A: '1' });
    assert.deepEqual(project.services.s.env_file, [{ path: join(dir, 'a.env'), required: true }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
