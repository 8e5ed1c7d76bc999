// `compose build` and the builds `up` does: each service with a `build:` section becomes an image
// named by its `image:` or, as Compose v2 names it, `<project>-<service>`, built through the
// engine's POST /build (so it works on berthd and on Docker's classic builder alike).
import type { EngineClient } from '../api/client/index.js';
import { contextTar } from '../api/client/index.js';
import { invalidArgument } from '../common/errors.js';
import type { Project, ServiceConfig } from '../compose/index.js';

export interface BuildServicesOptions {
  noCache?: boolean;
  pull?: boolean;
  /** --build-arg KEY=VALUE given to `compose build` (override the file's args). */
  buildArgs?: Record<string, string>;
  /** Where the builders' output goes (`compose build` prints it; `up` keeps it quiet unless it fails). */
  output?: (text: string) => void;
}

/** The image a service runs: its `image:`, or `<project>-<service>` for a build-only service. */
export function imageNameOf(project: Project, s: ServiceConfig): string | undefined {
  if (s.image) return s.image;
  return s.build ? `${project.name}-${s.name}` : undefined;
}

/** The project with every build-only service given its default image name (what `up` creates from). */
export function withImageNames(project: Project): Project {
  const services: Project['services'] = {};
  for (const [k, s] of Object.entries(project.services)) services[k] = s.image || !s.build ? s : { ...s, image: imageNameOf(project, s) };
  return { ...project, services };
}

export async function buildService(client: EngineClient, project: Project, s: ServiceConfig, opts: BuildServicesOptions = {}): Promise<string> {
  const b = s.build;
  if (!b) throw invalidArgument(`service "${s.name}" has no build section`);
  const image = imageNameOf(project, s) as string;
  const extra = b.dockerfile_inline !== undefined ? { name: '.dockerfile.inline', content: Buffer.from(b.dockerfile_inline) } : undefined;
  const dockerfile = extra ? extra.name : b.dockerfile ?? 'Dockerfile';
  const context = await contextTar(b.context, [dockerfile, '.dockerignore'], extra);
  const args: Record<string, string | null> = { ...(b.args ?? {}) };
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args[k] = v;
  for (const [k, v] of Object.entries(args)) if (v === null) delete args[k];
  const network = typeof b.network === 'string' ? b.network : undefined;
  let id = '';
  for await (const msg of client.builds.build(context, {
    tags: [image, ...(Array.isArray(b.tags) ? (b.tags as string[]) : [])], dockerfile, buildArgs: args, target: b.target,
    noCache: opts.noCache ?? b.no_cache === true, pull: opts.pull ?? b.pull === true, labels: b.labels, networkMode: network,
  })) {
    const aux = msg.aux as { ID?: string } | undefined;
    if (aux?.ID) id = aux.ID;
    if (msg.stream) opts.output?.(msg.stream);
  }
  return id;
}

/** Builds the named services (all with a build section when none are named). */
export async function buildServices(client: EngineClient, project: Project, names: string[], opts: BuildServicesOptions = {}): Promise<void> {
  for (const n of names) if (!project.services[n]) throw invalidArgument(`no such service: ${n}`);
  const chosen = (names.length ? names : Object.keys(project.services)).map((n) => project.services[n]).filter((s) => s.build);
  for (const s of chosen) await buildService(client, project, s, opts);
}
