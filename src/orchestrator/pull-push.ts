// `compose pull` and `compose push`: each service's image through the engine's registry endpoints.
// pull takes every service with an `image:` (--ignore-buildable leaves out those with a build
// section; pull_policy never/build, and missing with the image present, are skipped); push takes the services that build an image and name it, as Compose v2 does.
// Credentials are the caller's: `auth(image)` gives the X-Registry-Auth value for an image.
import type { EngineClient } from '../api/client/index.js';
import { invalidArgument } from '../common/errors.js';
import type { Project, ServiceConfig } from '../compose/index.js';
import { pullPolicyOf } from './pull-policy.js';

export interface TransferOptions {
  auth?: (image: string) => string | undefined;
  /** Service-level progress lines (" web Pulling", " web Pulled"). */
  output?: (line: string) => void;
  /** Layer progress messages of the engine, for callers that show them. */
  onMessage?: (service: string, msg: { status?: string; id?: string; progress?: string }) => void;
}

export interface PullOptions extends TransferOptions { ignoreBuildable?: boolean; ignorePullFailures?: boolean }
export interface PushOptions extends TransferOptions { ignorePushFailures?: boolean }

function chosen(project: Project, names: string[]): ServiceConfig[] {
  for (const n of names) if (!project.services[n]) throw invalidArgument(`no such service: ${n}`);
  return (names.length ? names : Object.keys(project.services).sort()).map((n) => project.services[n]);
}

/** "name[:tag|@digest]" → what POST /images/create takes. */
export function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf('@');
  if (at !== -1) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: 'latest' };
}

export async function pullServices(client: EngineClient, project: Project, names: string[], opts: PullOptions = {}): Promise<void> {
  const services = chosen(project, names).filter((s) => s.image && !(opts.ignoreBuildable && s.build));
  const failures: unknown[] = [];
  // Compose pulls in parallel; one image shared by several services is pulled once.
  const pulls = new Map<string, Promise<void>>();
  await Promise.all(services.map(async (s) => {
    const image = s.image as string;
    // As Compose's pull: never and build are left alone, an explicit missing skips what is there.
    const policy = s.pull_policy === undefined ? undefined : pullPolicyOf(s).kind;
    if (policy === 'never' || policy === 'build') {
      opts.output?.(` ${s.name} Skipped\n`);
      return;
    }
    if (policy === 'missing' && (await client.images.inspect(image).then(() => true, () => false))) {
      opts.output?.(` ${s.name} Skipped - Image is already present locally\n`);
      return;
    }
    opts.output?.(` ${s.name} Pulling\n`);
    try {
      let p = pulls.get(image);
      if (!p) {
        const { repo, tag } = splitImage(image);
        p = (async () => {
          for await (const m of client.images.pull(repo, tag, { platform: typeof s.platform === 'string' ? s.platform : undefined, auth: opts.auth?.(image) })) opts.onMessage?.(s.name, m);
        })();
        pulls.set(image, p);
      }
      await p;
      opts.output?.(` ${s.name} Pulled\n`);
    } catch (e) {
      opts.output?.(` ${s.name} Error ${e instanceof Error ? e.message : String(e)}\n`);
      if (!opts.ignorePullFailures) failures.push(e);
    }
  }));
  if (failures.length) throw failures[0];
}

export async function pushServices(client: EngineClient, project: Project, names: string[], opts: PushOptions = {}): Promise<void> {
  const services = chosen(project, names).filter((s) => s.build && s.image);
  for (const s of services) {
    const image = s.image as string;
    const { repo, tag } = splitImage(image);
    opts.output?.(` ${s.name} Pushing\n`);
    try {
      for await (const m of client.images.push(repo, { tag, auth: opts.auth?.(image) })) opts.onMessage?.(s.name, m);
      opts.output?.(` ${s.name} Pushed\n`);
    } catch (e) {
      opts.output?.(` ${s.name} Error ${e instanceof Error ? e.message : String(e)}\n`);
      if (!opts.ignorePushFailures) throw e;
    }
  }
}
