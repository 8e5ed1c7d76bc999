// `inspect`, `container inspect`, `image inspect`: the daemon's JSON as docker prints it
// (an array, 4-space indent), or one -f template per object.
import type { Command } from 'commander';
import { isBerthError } from '../../common/errors.js';
import type { EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { CliExit, printError } from '../exit.js';
import { renderOne } from '../output/format.js';

type Kind = 'container' | 'image' | 'network' | 'volume';

async function find(client: EngineClient, name: string, type: Kind | undefined, size: boolean): Promise<unknown> {
  if (type === 'container') return client.containers.inspect(name, { size });
  if (type === 'image') return client.images.inspect(name);
  if (type === 'network') return client.networks.inspect(name);
  if (type === 'volume') return client.volumes.inspect(name);
  for (const k of ['container', 'image', 'network', 'volume'] as const) {
    try {
      return await find(client, name, k, size);
    } catch (e) {
      if (!isBerthError(e, 'not_found')) throw e;
    }
  }
  throw new Error(`No such object: ${name}`);
}

export async function inspectCommand(names: string[], f: { format?: string; size?: boolean; type?: string }, cmd: Command): Promise<void> {
  if (f.type !== undefined && !['container', 'image', 'network', 'volume'].includes(f.type)) {
    throw new Error(`"${f.type}" is not a valid value for --type`);
  }
  const client = await connect(cmd);
  const found: unknown[] = [];
  let failed = false;
  const errors: unknown[] = [];
  for (const n of names) {
    try {
      found.push(await find(client, n, f.type as Kind | undefined, !!f.size));
    } catch (e) {
      errors.push(e);
      failed = true;
    }
  }
  if (f.format) process.stdout.write(found.map((o) => `${renderOne(o, f.format as string)}\n`).join(''));
  else process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
  for (const e of errors) printError(e);
  if (failed) throw new CliExit(1);
}
