// Registry credentials in the docker CLI's config file (~/.docker/config.json, or $DOCKER_CONFIG/
// config.json): "auths": {"<server>": {"auth": base64("user:password")}}, Docker Hub under
// https://index.docker.io/v1/. The file is shared with the docker CLI, so unknown keys are kept.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { failedPrecondition, invalidArgument } from '../../common/errors.js';
import type { AuthConfig } from '../../api/client/index.js';

export const HUB_SERVER = 'https://index.docker.io/v1/';

interface ConfigFile { auths?: Record<string, { auth?: string; identitytoken?: string }>; credsStore?: string; [k: string]: unknown }

export function configDir(): string {
  return process.env.DOCKER_CONFIG || join(homedir(), '.docker');
}

const configPath = () => join(configDir(), 'config.json');

function readConfig(): ConfigFile {
  let text: string;
  try {
    text = readFileSync(configPath(), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as ConfigFile;
  } catch {
    throw invalidArgument(`loading config file: ${configPath()}: invalid JSON`);
  }
}

function writeConfig(cfg: ConfigFile): void {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const tmp = `${configPath()}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  renameSync(tmp, configPath());
}

/** The key a registry's credentials are stored under: Docker Hub's index URL, else host[:port]. */
export function serverKey(registry: string | undefined): string {
  const r = (registry ?? '').trim().replace(/\/+$/, '');
  if (!r || /^(https?:\/\/)?(index\.|registry-1\.)?docker\.io(\/v1)?$/.test(r)) return HUB_SERVER;
  return r.replace(/^https?:\/\//, '');
}

/** The registry part of an image reference, as the docker CLI splits it. */
export function registryOfImage(image: string): string {
  const i = image.indexOf('/');
  const first = i === -1 ? '' : image.slice(0, i);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return serverKey(first);
  return HUB_SERVER;
}

export function storedAuth(server: string): AuthConfig | undefined {
  const cfg = readConfig();
  const key = serverKey(server);
  const entry = cfg.auths?.[key] ?? cfg.auths?.[`https://${key}`] ?? cfg.auths?.[`http://${key}`];
  if (!entry) return undefined;
  const out: AuthConfig = { serveraddress: key };
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const c = plain.indexOf(':');
    if (c < 0) throw invalidArgument(`invalid auth configuration for ${key} in ${configPath()}`);
    out.username = plain.slice(0, c);
    out.password = plain.slice(c + 1);
  }
  if (entry.identitytoken) out.identitytoken = entry.identitytoken;
  return out;
}

export function storeAuth(server: string, username: string, password: string): string {
  const cfg = readConfig();
  if (cfg.credsStore) throw failedPrecondition(`credential helpers (credsStore "${cfg.credsStore}" in ${configPath()}) are not supported by berth yet`);
  cfg.auths = { ...(cfg.auths ?? {}), [serverKey(server)]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  writeConfig(cfg);
  return configPath();
}

/** Forgets a server's credentials; false when there were none. */
export function removeAuth(server: string): boolean {
  const cfg = readConfig();
  const key = serverKey(server);
  if (!cfg.auths?.[key]) return false;
  delete cfg.auths[key];
  writeConfig(cfg);
  return true;
}

/** The X-Registry-Auth header value for an image's registry ("{}" encoded when not logged in). */
export function registryAuthHeader(image: string): string {
  const auth = storedAuth(registryOfImage(image)) ?? {};
  return Buffer.from(JSON.stringify(auth)).toString('base64url');
}

/** The X-Registry-Config header value for builds: every stored login by server (undefined when none). */
export function registryConfigHeader(): string | undefined {
  const servers = Object.keys(readConfig().auths ?? {});
  const all: Record<string, AuthConfig> = {};
  for (const s of servers) {
    const a = storedAuth(s);
    if (a) all[s] = a;
  }
  return servers.length ? Buffer.from(JSON.stringify(all)).toString('base64url') : undefined;
}
