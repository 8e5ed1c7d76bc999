// The engine's registry verbs (contract.ts RegistryService) over one image store: pull, push,
// login, search and distribution inspect.
import { invalidArgument } from '../../../common/errors.js';
import type { RegistryService } from '../../contract.js';
import { RegistryClient } from '../../registry/client.js';
import { HUB_INDEX, type EndpointPolicy } from '../../registry/endpoint.js';
import { readAll } from '../../registry/http.js';
import type { DistributionInspect, RegistryAuth } from '../../registry/types.js';
import { DEFAULT_DOMAIN, parseNormalizedNamed, tagNameOnly } from '../reference.js';
import { digestOf } from '../fsutil.js';
import type { Store } from '../store.js';
import { checkConfig, type OciIndex, type OciManifest } from '../image-config.js';
import { classify, MANIFEST_ACCEPT } from './manifest.js';
import { pullImage } from './pull.js';
import { pushImage } from './push.js';
import { distributionEnv, remoteOf, type DistributionEnv } from './remote.js';
import { searchRegistry } from './search.js';

/** The registry verbs over a store, once the blob cache has dropped any half-written download. */
export async function openRegistryService(store: Store, policy: EndpointPolicy): Promise<RegistryService> {
  const env = distributionEnv(store, policy);
  await env.cache.init();
  return serviceOver(env, policy);
}

function serviceOver(env: DistributionEnv, policy: EndpointPolicy): RegistryService {
  return {
    pull: (ref, opts, progress) => pullImage(env, ref, opts, progress),
    push: (name, opts, progress) => pushImage(env, name, opts, progress),
    tags: (name, auth) => listTags(env, name, auth),
    login: (auth, signal) => login(policy, auth, signal),
    search: (term, opts) => searchRegistry(policy, term, opts),
    inspect: (ref, auth) => inspectRemote(env, ref, auth),
  };
}

/** The registry a login names: Docker Hub for empty or its index URL; else host[:port] without scheme. */
export function registryDomain(serverAddress: string | undefined): string {
  const s = (serverAddress ?? '').trim();
  if (!s || s === HUB_INDEX || /^(https?:\/\/)?(index\.)?docker\.io(\/.*)?$/.test(s)) return DEFAULT_DOMAIN;
  const host = s.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!host) throw invalidArgument(`invalid registry address ${serverAddress}`);
  return host;
}

async function login(policy: EndpointPolicy, auth: RegistryAuth, signal?: AbortSignal): Promise<{ status: string; identityToken?: string }> {
  const client = new RegistryClient(registryDomain(auth.serveraddress), auth, policy);
  await client.login(signal);
  return { status: 'Login Succeeded' };
}

async function listTags(env: DistributionEnv, name: string, auth?: RegistryAuth): Promise<string[]> {
  const ref = parseNormalizedNamed(name);
  const remote = remoteOf(env, ref, auth);
  const { body } = await remote.client.callJson<{ tags?: string[] | null }>('GET', `/v2/${remote.path}/tags/list`, { scopes: [`repository:${remote.path}:pull`] });
  return (body.tags ?? []).map((t) => `${ref.name}:${t}`);
}

async function inspectRemote(env: DistributionEnv, refString: string, auth?: RegistryAuth): Promise<DistributionInspect> {
  const ref = tagNameOnly(parseNormalizedNamed(refString));
  const remote = remoteOf(env, ref, auth);
  const scopes = [`repository:${remote.path}:pull`];
  const res = await remote.client.call('GET', `/v2/${remote.path}/manifests/${ref.digest ?? ref.tag}`, { scopes, headers: { Accept: MANIFEST_ACCEPT } });
  const bytes = await readAll(res);
  const digest = digestOf(bytes);
  const fetched = classify(bytes, res.headers['content-type'], refString);
  const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? res.headers['content-type'] ?? '';
  let platforms: DistributionInspect['platforms'] = [];
  if (fetched.kind === 'index') {
    platforms = (fetched.index as OciIndex).manifests.filter((m) => m.platform && !m.annotations?.['vnd.docker.reference.type'])
      .map((m) => ({ architecture: m.platform!.architecture, os: m.platform!.os, ...(m.platform!.variant ? { variant: m.platform!.variant } : {}) }));
  } else {
    const m = fetched.manifest as OciManifest;
    const cfgRes = await remote.client.call('GET', `/v2/${remote.path}/blobs/${m.config.digest}`, { scopes });
    const cfg = checkConfig(JSON.parse((await readAll(cfgRes)).toString('utf8')));
    platforms = [{ architecture: cfg.architecture, os: cfg.os, ...(cfg.variant ? { variant: cfg.variant } : {}) }];
  }
  return { descriptor: { mediaType, digest, size: bytes.length }, platforms };
}
