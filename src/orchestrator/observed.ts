// What the engine already holds for a project, reduced to what convergence decides on. Built from
// the API's container/network/volume lists; the planner reads only this, so it stays pure.
import type { ContainerSummary } from '../api/client/index.js';
import { LABEL } from './labels.js';

export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  configHash: string;
  /** The image id recorded at creation (`com.docker.compose.image`). */
  imageLabel: string;
  /** The API's state: created, running, paused, restarting, exited, dead. */
  state: string;
  labels: Record<string, string>;
}

export interface ObservedState {
  containers: ObservedContainer[];
  /** Names of the networks that exist (project-made and external alike). */
  networks: Set<string>;
  volumes: Set<string>;
  /** Labels of the existing networks and volumes, by name (to tell whose they are). */
  networkLabels?: Map<string, Record<string, string>>;
  volumeLabels?: Map<string, Record<string, string>>;
}

export function observeContainer(c: ContainerSummary): ObservedContainer {
  const labels = c.Labels ?? {};
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    service: labels[LABEL.service] ?? '',
    number: Number(labels[LABEL.number] ?? '0') || 0,
    oneoff: labels[LABEL.oneoff] === 'True',
    configHash: labels[LABEL.configHash] ?? '',
    imageLabel: labels[LABEL.image] ?? '',
    state: c.State,
    labels,
  };
}
