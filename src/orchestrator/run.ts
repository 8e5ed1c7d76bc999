// `run`: a one-off container of a service, named and labelled as Compose names them
// (`<project>-<service>-run-<12 hex>`, oneoff=True), after its dependencies are up. Ports are
// published only when asked (--service-ports, or -p which replaces them), as in Compose; -v adds
// mounts in the short volume syntax.
import { randomBytes } from 'node:crypto';
import type { ContainerCreateBody, EngineClient } from '../api/client/index.js';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { invalidArgument } from '../common/errors.js';
import { parsePortSpec, parseVolumeSpec, serviceConfigHash, type Project, type ServiceConfig } from '../compose/index.js';
import { buildCreateRequest } from './create-body.js';
import { observeProject } from './engine-state.js';
import { dependenciesOf } from './graph.js';
import { LABEL } from './labels.js';
import { planResources } from './plan.js';
import type { Reporter } from './progress.js';
import { checkProject, createResources, up } from './up.js';

export interface RunOptions {
  command?: string[];
  entrypoint?: string[];
  env?: string[];
  tty: boolean;
  interactive: boolean;
  servicePorts?: boolean;
  noDeps?: boolean;
  name?: string;
  user?: string;
  workdir?: string;
  /** -p: published ports (they replace the service's). */
  publish?: string[];
  /** -v: more mounts, short syntax. */
  volumes?: string[];
}

/** The service as the one-off runs it: no restart policy, ports only when asked, -v mounts added. */
function oneOffService(project: Project, s: ServiceConfig, opts: RunOptions): ServiceConfig {
  let ports = opts.servicePorts ? s.ports : undefined;
  if (opts.publish?.length) {
    ports = opts.publish.flatMap((p) => {
      try {
        return parsePortSpec(p);
      } catch (e) {
        throw invalidArgument(`invalid --publish "${p}": ${(e as Error).message}`);
      }
    });
  }
  const extra = (opts.volumes ?? []).map((v) => {
    let m;
    try {
      m = parseVolumeSpec(v);
    } catch (e) {
      throw invalidArgument(`invalid --volume "${v}": ${(e as Error).message}`);
    }
    if (m.type !== 'bind' || !m.source) return m;
    const home = m.source === '~' || m.source.startsWith('~/') ? homedir() + m.source.slice(1) : m.source;
    return { ...m, source: isAbsolute(home) ? home : resolve(project.workingDir, home), bind: { ...m.bind, create_host_path: true } };
  });
  return { ...s, restart: undefined, ports, volumes: extra.length ? [...(s.volumes ?? []), ...extra] : s.volumes };
}

export interface OneOff { id: string; name: string; body: ContainerCreateBody }

export async function createOneOff(client: EngineClient, project: Project, service: string, opts: RunOptions, reporter: Reporter): Promise<OneOff> {
  checkProject(project, [service]);
  const deps = dependenciesOf(project, service);
  if (!opts.noDeps && deps.length) await up(client, project, { services: deps }, reporter);
  await createResources(client, project, planResources(project, await observeProject(client, project.name)), reporter);
  const s = project.services[service];
  const slug = randomBytes(6).toString('hex');
  const req = buildCreateRequest(project, oneOffService(project, s, opts), { number: 1, configHash: serviceConfigHash(s) });
  const body = req.body;
  body.Labels = { ...body.Labels, [LABEL.oneoff]: 'True', 'com.docker.compose.slug': slug };
  if (opts.command?.length) body.Cmd = opts.command;
  if (opts.entrypoint) body.Entrypoint = opts.entrypoint;
  if (opts.env?.length) body.Env = [...(body.Env ?? []), ...opts.env];
  if (opts.user) body.User = opts.user;
  if (opts.workdir) body.WorkingDir = opts.workdir;
  body.Tty = opts.tty;
  body.OpenStdin = opts.interactive;
  body.StdinOnce = opts.interactive;
  body.AttachStdin = opts.interactive;
  body.AttachStdout = true;
  body.AttachStderr = true;
  const name = opts.name ?? `${project.name}-${service}-run-${slug}`;
  const { Id } = await client.containers.create(body, { name });
  for (const extra of req.extraNetworks) await client.networks.connect(extra.network, Id, extra.endpoint);
  return { id: Id, name, body };
}
