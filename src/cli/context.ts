// Which engine a command talks to: -H/--host, else DOCKER_HOST, else berthd's default socket
// (started on demand when nothing answers there).
import type { Command } from 'commander';
import { EngineClient, DEFAULT_HOST, parseHost } from '../api/client/index.js';
import { existsSync } from 'node:fs';

export interface GlobalOptions {
  host?: string;
}

let client: EngineClient | undefined;

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/**
 * The API client for this invocation. Nothing is asked of the engine here: the first real request
 * goes out at once (the API version is pinned by DOCKER_API_VERSION, or guessed and corrected,
 * see src/api/client/transport.ts), so an engine that is not there shows at that request.
 */
export async function connect(cmd: Command): Promise<EngineClient> {
  if (client) return client;
  const g = rootOf(cmd).opts<GlobalOptions>();
  const explicit = g.host || process.env.DOCKER_HOST;
  const apiVersion = process.env.DOCKER_API_VERSION || undefined;
  if (explicit) {
    client = EngineClient.fromHost(explicit, { apiVersion, guessVersion: true });
    return client;
  }
  // The default socket: no engine there is started (the embedded default). Without the socket
  // file, before anything is sent; with one nobody listens on (a crashed berthd), when the first
  // request finds that out (the transport then sends it again).
  const addr = parseHost(DEFAULT_HOST);
  const socketPath = addr.kind === 'unix' ? addr.socketPath : '';
  const start = async () => {
    const { startEmbeddedDaemon } = await import('./embedded-daemon.js');
    await startEmbeddedDaemon(socketPath, () => EngineClient.fromHost(DEFAULT_HOST).system.ping());
  };
  if (!existsSync(socketPath)) await start();
  client = EngineClient.fromHost(DEFAULT_HOST, { apiVersion, guessVersion: true, whenUnreachable: start });
  return client;
}

export function closeClient(): void {
  client?.close();
}
