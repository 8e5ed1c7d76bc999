// Test support (no engine): a Project loaded from Compose YAML written to a temp dir, and observed
// containers as an engine would list them after a given plan ran.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, serviceConfigHash, type Project } from '../compose/index.js';
import { LABEL } from './labels.js';
import type { ObservedContainer, ObservedState } from './observed.js';

export function projectFrom(yaml: string, name = 'demo'): Project {
  const dir = mkdtempSync(join(tmpdir(), 'berth-orch-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), yaml);
    return loadProject({ cwd: dir, env: {}, projectName: name, discardEnvFiles: false }).project;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A container of `service` as `up` would have made it from `project` (same hash), in `state`. */
export function observedOf(project: Project, service: string, n: number, state = 'running', hash?: string): ObservedContainer {
  const h = hash ?? serviceConfigHash(project.services[service]);
  return {
    id: `${service}${n}`.padEnd(64, '0'),
    name: `${project.name}-${service}-${n}`,
    service,
    number: n,
    oneoff: false,
    configHash: h,
    imageLabel: '',
    state,
    labels: { [LABEL.project]: project.name, [LABEL.service]: service, [LABEL.number]: String(n), [LABEL.configHash]: h },
  };
}

export function state(containers: ObservedContainer[], networks: string[] = [], volumes: string[] = []): ObservedState {
  return { containers, networks: new Set(networks), volumes: new Set(volumes) };
}
