import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary } from '../api/client/index.js';
import { summarizeProjects } from './projects.js';

const c = (project: string, state: string): ContainerSummary => ({
  Id: 'x', Names: ['/x'], Image: 'busybox', ImageID: '', Command: '', Created: 0, Ports: [], State: state, Status: '',
  Labels: { 'com.docker.compose.project': project, 'com.docker.compose.project.config_files': `/src/${project}/compose.yaml` },
});

test('ls counts each project\'s container states; without -a only projects with something running', () => {
  const list = [c('web', 'running'), c('web', 'exited'), c('web', 'running'), c('old', 'exited')];
  assert.deepEqual(summarizeProjects(list), [{ Name: 'web', Status: 'exited(1), running(2)', ConfigFiles: '/src/web/compose.yaml' }]);
  assert.deepEqual(summarizeProjects(list, true).map((p) => `${p.Name} ${p.Status}`), ['old exited(1)', 'web exited(1), running(2)']);
});
