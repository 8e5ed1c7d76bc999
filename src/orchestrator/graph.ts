// The depends_on graph: which services come before which. Compose validated it has no cycles.
import type { Project } from '../compose/index.js';

/** Dependencies of a service that are part of the project (optional ones may be absent). */
export function dependenciesOf(project: Project, service: string): string[] {
  return Object.keys(project.services[service]?.depends_on ?? {}).filter((d) => project.services[d] !== undefined).sort();
}

/** Services each after everything it depends on; ties by name, so the order is stable. */
export function startOrder(project: Project, only?: Iterable<string>): string[] {
  const wanted = new Set(only ?? Object.keys(project.services));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !project.services[name]) return;
    seen.add(name);
    for (const dep of dependenciesOf(project, name)) visit(dep);
    if (wanted.has(name)) out.push(name);
  };
  for (const name of Object.keys(project.services).sort()) visit(name);
  return out;
}

/** Services that depend (directly) on `service`. */
export function dependentsOf(project: Project, service: string): string[] {
  return Object.keys(project.services).filter((s) => dependenciesOf(project, s).includes(service)).sort();
}
