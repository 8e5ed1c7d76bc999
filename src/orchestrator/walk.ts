// Acting on a project's containers service by service along the depends_on graph: forward (a
// service after its dependencies: start, restart) or reverse (after its dependents: stop, rm,
// down). Services with no path between them proceed in parallel, as do a service's containers.
import type { Project } from '../compose/index.js';
import { dependenciesOf, dependentsOf } from './graph.js';
import type { ObservedContainer } from './observed.js';
import { limited } from './parallel.js';

export async function walkServices(
  project: Project, containers: ObservedContainer[], reverse: boolean, fn: (c: ObservedContainer) => Promise<void>,
): Promise<void> {
  const groups = new Map<string, ObservedContainer[]>();
  for (const c of containers) groups.set(c.service, [...(groups.get(c.service) ?? []), c]);
  const waitFor = (s: string) => (reverse ? dependentsOf(project, s) : dependenciesOf(project, s)).filter((o) => groups.has(o));
  const running = new Map<string, Promise<void>>();
  const run = (s: string): Promise<void> => {
    let p = running.get(s);
    if (!p) {
      p = Promise.all(waitFor(s).map(run)).then(async () => { await Promise.all((groups.get(s) ?? []).map((c) => limited(() => fn(c)))); });
      running.set(s, p);
    }
    return p;
  };
  const results = await Promise.allSettled([...groups.keys()].map(run));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
