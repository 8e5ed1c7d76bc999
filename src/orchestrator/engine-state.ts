// Reads what an engine holds for a project through the API client: its containers (by the
// com.docker.compose.project label) and the names of existing networks and volumes.
import type { EngineClient } from '../api/client/index.js';
import { projectFilter } from './labels.js';
import { observeContainer, type ObservedState } from './observed.js';

export async function observeProject(client: EngineClient, project: string): Promise<ObservedState> {
  const [containers, networks, volumes] = await Promise.all([
    client.containers.list({ all: true, filters: projectFilter(project) }),
    client.networks.list(),
    client.volumes.list(),
  ]);
  return {
    containers: containers.map(observeContainer),
    networks: new Set(networks.map((n) => n.Name)),
    volumes: new Set(volumes.map((v) => v.Name)),
    networkLabels: new Map(networks.map((n) => [n.Name, n.Labels ?? {}])),
    volumeLabels: new Map(volumes.map((v) => [v.Name, v.Labels ?? {}])),
  };
}
