// The images `up` needs, made present the way docker compose does it before creating anything:
// pull what each service's pull_policy (or `up --pull`) asks for, then build the services with a
// build section that `--build`, `pull_policy: build` or a missing image call for, then resolve
// every image to its id (the `com.docker.compose.image` label). Each image is inspected once,
// however many services run it.
import type { EngineClient, ImageInspect } from '../api/client/index.js';
import { isBerthError, notFound } from '../common/errors.js';
import type { Project } from '../compose/index.js';
import { buildService, imageNameOf } from './build.js';
import { splitImage } from './pull-push.js';
import { lastTagMs, mustPull, pullPolicyOf } from './pull-policy.js';
import type { Reporter } from './progress.js';

export interface UpImageOptions {
  /** --build (always), the default (when missing or pull_policy: build), --no-build (never). */
  build?: 'always' | 'missing' | 'never';
  /** `up --pull`: overrides every service's pull_policy. */
  pull?: string;
  buildOutput?: (text: string) => void;
  /** X-Registry-Auth for an image. */
  pullAuth?: (image: string) => string | undefined;
}

/** Image inspections shared by the steps below: one request per name until it changes. */
class Images {
  private readonly seen = new Map<string, Promise<ImageInspect | undefined>>();
  constructor(private readonly client: EngineClient) {}

  get(name: string): Promise<ImageInspect | undefined> {
    let p = this.seen.get(name);
    if (!p) {
      p = this.client.images.inspect(name).catch((e: unknown) => {
        if (isBerthError(e, 'not_found')) return undefined;
        throw e;
      });
      this.seen.set(name, p);
    }
    return p;
  }

  changed(name: string): void {
    this.seen.delete(name);
  }
}

/**
 * Pulls and builds what `services` need; returns image name → id for them. `given` is the project
 * as loaded: a service that names no image of its own is built, never pulled.
 */
export async function ensureImages(client: EngineClient, given: Project, project: Project, services: string[], opts: UpImageOptions, reporter: Reporter): Promise<Record<string, string>> {
  const images = new Images(client);
  await pullForUp(client, given, services, opts, images, reporter);
  await buildForUp(client, project, services, opts, images);
  const ids: Record<string, string> = {};
  for (const name of services) {
    const image = project.services[name].image;
    if (!image || ids[image]) continue;
    const found = await images.get(image);
    if (!found) throw notFound(`service "${name}": image ${image} not found (it was not pulled: pull_policy never, or --no-build with a build section)`);
    ids[image] = found.Id;
  }
  return ids;
}

async function pullForUp(client: EngineClient, given: Project, services: string[], opts: UpImageOptions, images: Images, reporter: Reporter): Promise<void> {
  const wanted = new Map<string, { buildable: boolean }>();
  await Promise.all(services.map(async (name) => {
    const s = given.services[name];
    if (!s.image) return;
    const policy = pullPolicyOf(s, opts.pull);
    // A service that can be built is pulled only when asked to explicitly (missing → built instead).
    if (s.build && policy.kind === 'missing') return;
    const local = await images.get(s.image);
    if (!mustPull(policy, local && { lastTagMs: lastTagMs(local.Metadata) })) return;
    const prior = wanted.get(s.image);
    wanted.set(s.image, { buildable: (prior?.buildable ?? true) && s.build !== undefined });
  }));
  // Compose pulls in parallel; an image shared by several services is pulled once.
  await Promise.all([...wanted].map(async ([image, { buildable }]) => {
    reporter.event({ resource: 'Image', name: image, status: 'Pulling' });
    const { repo, tag } = splitImage(image);
    try {
      for await (const m of client.images.pull(repo, tag, { auth: opts.pullAuth?.(image) })) void m;
    } catch (e) {
      // What can be built is built when the pull fails, as Compose does.
      if (!buildable) throw e;
      reporter.warn(`image ${image} could not be pulled; it will be built: ${e instanceof Error ? e.message : String(e)}`);
      return;
    } finally {
      images.changed(image);
    }
    reporter.event({ resource: 'Image', name: image, status: 'Pulled' });
  }));
}

async function buildForUp(client: EngineClient, project: Project, services: string[], opts: UpImageOptions, images: Images): Promise<void> {
  const mode = opts.build ?? 'missing';
  if (mode === 'never') return;
  for (const name of services) {
    const s = project.services[name];
    if (!s?.build) continue;
    const image = imageNameOf(project, s) as string;
    const always = mode === 'always' || pullPolicyOf(s, opts.pull).kind === 'build';
    if (!always && (await images.get(image))) continue;
    await buildService(client, project, s, { output: opts.buildOutput });
    images.changed(image);
  }
}
