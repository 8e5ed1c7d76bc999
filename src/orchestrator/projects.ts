// `compose ls`: the Compose projects an engine runs, from the labels of all its containers.
import type { ContainerSummary, EngineClient } from '../api/client/index.js';
import { LABEL } from './labels.js';

export interface ProjectSummary { Name: string; Status: string; ConfigFiles: string }

/** One entry per project: states counted as Compose prints them (`exited(1), running(2)`). */
export function summarizeProjects(containers: ContainerSummary[], all = false): ProjectSummary[] {
  const by = new Map<string, { states: Map<string, number>; files: string }>();
  for (const c of containers) {
    const name = c.Labels?.[LABEL.project];
    if (!name) continue;
    const entry = by.get(name) ?? { states: new Map<string, number>(), files: c.Labels?.[LABEL.configFiles] ?? '' };
    entry.states.set(c.State, (entry.states.get(c.State) ?? 0) + 1);
    by.set(name, entry);
  }
  return [...by.entries()]
    .filter(([, e]) => all || e.states.has('running'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({
      Name: name,
      Status: [...e.states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}(${n})`).join(', '),
      ConfigFiles: e.files,
    }));
}

export async function listProjects(client: EngineClient, all = false): Promise<ProjectSummary[]> {
  return summarizeProjects(await client.containers.list({ all: true, filters: { label: [LABEL.project] } }), all);
}
