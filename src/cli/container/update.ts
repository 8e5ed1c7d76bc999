// `update`: changes a container's restart policy while it exists (running or not), as `docker update`.
import type { Command } from 'commander';
import { connect } from '../context.js';
import { forEachName } from '../exit.js';
import { invalidArgument } from '../../common/errors.js';
import { restartPolicy } from './create-options.js';

export async function updateCommand(names: string[], f: { restart?: string }, cmd: Command): Promise<void> {
  if (f.restart === undefined) throw invalidArgument('you must provide one or more flags when using this command');
  const body = { RestartPolicy: restartPolicy(f.restart) };
  const client = await connect(cmd);
  await forEachName(names, async (n) => { await client.containers.update(n, body); });
}
