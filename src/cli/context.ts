// Which engine a command talks to: -H/--host, else DOCKER_HOST, else berthd's default socket
// (started on demand when nothing answers there).
import type { Command } from 'commander';
import { EngineClient, DEFAULT_HOST, parseHost } from '../api/client/index.js';
import { isBerthError } from '../common/errors.js';

export interface GlobalOptions {
  host?: string;
}

let client: EngineClient | undefined;

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** The API client for this invocation; the engine is reachable (or an error was thrown). */
export async function connect(cmd: Command): Promise<EngineClient> {
  if (client) return client;
  const g = rootOf(cmd).opts<GlobalOptions>();
  const explicit = g.host || process.env.DOCKER_HOST;
  // DOCKER_API_VERSION pins the version (no /_ping round trip), as with the docker CLI.
  const pinned = process.env.DOCKER_API_VERSION || undefined;
  const c = EngineClient.fromHost(explicit || DEFAULT_HOST, { apiVersion: pinned });
  try {
    // With a pinned version and a given host there is nothing to ask before the first real call;
    // on the default socket, ping so an absent engine is noticed (and started) here.
    if (pinned && !explicit) await c.system.ping();
    else if (!pinned) await c.apiVersion();
  } catch (e) {
    if (explicit || !isBerthError(e, 'unavailable')) throw e;
    const { startEmbeddedDaemon } = await import('./embedded-daemon.js');
    const addr = parseHost(DEFAULT_HOST);
    await startEmbeddedDaemon(addr.kind === 'unix' ? addr.socketPath : '', () => EngineClient.fromHost(DEFAULT_HOST).system.ping());
    c.close();
    client = EngineClient.fromHost(DEFAULT_HOST);
    return client;
  }
  client = c;
  return client;
}

export function closeClient(): void {
  client?.close();
}
