// Where the engine listens: DOCKER_HOST-style addresses (unix:///path, tcp://host:port, http://)
// turned into what node:http needs to connect.
import { invalidArgument } from '../../common/errors.js';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export type EngineAddress =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; url: string };

export function parseHost(url: string): EngineAddress {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath) throw invalidArgument(`invalid host: ${url}`);
    return { kind: 'unix', socketPath, url };
  }
  if (url.startsWith('/')) return { kind: 'unix', socketPath: url, url: `unix://${url}` };
  const m = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)?(?::(\d+))?\/?$/.exec(url);
  if (!m) throw invalidArgument(`invalid host: ${url} (expected unix:///path or tcp://host:port)`);
  const host = (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  return { kind: 'tcp', host, port: m[2] ? Number(m[2]) : 2375, url };
}
