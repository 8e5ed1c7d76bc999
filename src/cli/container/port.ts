// `port`: a container's published ports, "80/tcp -> 0.0.0.0:8080" (or just the host side for one port).
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliExit } from '../exit.js';

export async function portCommand(container: string, privatePort: string | undefined, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const info = await client.containers.inspect(container);
  const ports = info.NetworkSettings.Ports ?? {};
  const hostSide = (b: { HostIp?: string; HostPort?: string }) => `${b.HostIp?.includes(':') ? `[${b.HostIp}]` : b.HostIp || '0.0.0.0'}:${b.HostPort}`;
  if (privatePort) {
    const key = privatePort.includes('/') ? privatePort : `${privatePort}/tcp`;
    const bindings = ports[key];
    if (!bindings?.length) {
      process.stderr.write(`Error: No public port '${key}' published for ${container}\n`);
      throw new CliExit(1);
    }
    process.stdout.write(bindings.map((b) => `${hostSide(b)}\n`).join(''));
    return;
  }
  const keys = Object.keys(ports).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  process.stdout.write(keys.flatMap((k) => (ports[k] ?? []).map((b) => `${k} -> ${hostSide(b)}\n`)).join(''));
}
