// Registry verbs: pull, push, login, logout, search. Credentials come from the docker config file
// (src/cli/registry/credentials.ts) and travel as X-Registry-Auth, as the docker CLI sends them.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EngineClient, ProgressMessage } from '../../api/client/index.js';
import { invalidArgument } from '../../common/errors.js';
import { connect } from '../context.js';
import { CliExit } from '../exit.js';
import { filtersFrom } from '../flags.js';
import { renderList } from '../output/format.js';
import { progressDisplay } from '../output/progress.js';
import { ask } from '../registry/ask.js';
import { HUB_SERVER, registryAuthHeader, removeAuth, serverKey, storeAuth, storedAuth } from '../registry/credentials.js';

/** "busybox" → ["docker.io/library/busybox", tag]; what the docker CLI prints after a pull. */
function fullyQualified(image: string): string {
  const i = image.indexOf('/');
  const first = i === -1 ? '' : image.slice(0, i);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) return image;
  return `docker.io/${image.includes('/') ? image : `library/${image}`}`;
}

function splitTagOrDigest(image: string): { repo: string; tag?: string } {
  const at = image.indexOf('@');
  if (at !== -1) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image };
}

async function stream(msgs: AsyncIterable<ProgressMessage>, quiet: boolean, onMsg?: (m: ProgressMessage) => void): Promise<void> {
  const display = quiet ? undefined : progressDisplay((s) => void process.stdout.write(s), !!process.stdout.isTTY);
  for await (const m of msgs) {
    onMsg?.(m);
    display?.show(m);
  }
  display?.end();
}

/** Pulls `image` (":latest" when untagged), writing status lines to `out` (run and create use stderr). */
export async function pullImage(client: EngineClient, image: string, f: { platform?: string; all?: boolean }, out: ((s: string) => void) | undefined): Promise<void> {
  const { repo, tag } = splitTagOrDigest(image);
  const display = out ? progressDisplay(out, false) : undefined;
  for await (const m of client.images.pull(repo, f.all ? undefined : (tag ?? 'latest'), { platform: f.platform, auth: registryAuthHeader(image) })) display?.show(m);
  display?.end();
}

export async function pullCommand(image: string, f: { quiet?: boolean; platform?: string; allTags?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const { repo, tag } = splitTagOrDigest(image);
  if (f.allTags && tag !== undefined) throw invalidArgument('tag can\'t be used with --all-tags/-a');
  if (!f.allTags && tag === undefined && !f.quiet) process.stdout.write('Using default tag: latest\n');
  const msgs = client.images.pull(repo, f.allTags ? undefined : (tag ?? 'latest'), { platform: f.platform, auth: registryAuthHeader(image) });
  await stream(msgs, !!f.quiet);
  process.stdout.write(`${fullyQualified(f.allTags ? repo : tag === undefined ? `${repo}:latest` : image)}\n`);
}

export async function pushCommand(image: string, f: { quiet?: boolean; allTags?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const { repo, tag } = splitTagOrDigest(image);
  if (f.allTags && tag !== undefined) throw invalidArgument('tag can\'t be used with --all-tags/-a');
  if (!f.allTags && tag === undefined && !f.quiet) process.stdout.write('Using default tag: latest\n');
  await stream(client.images.push(repo, { tag: f.allTags ? undefined : (tag ?? 'latest'), auth: registryAuthHeader(image) }), !!f.quiet);
  if (f.quiet) process.stdout.write(`${f.allTags ? repo : tag === undefined ? `${repo}:latest` : image}\n`);
}

export async function loginCommand(server: string | undefined, f: { username?: string; password?: string; passwordStdin?: boolean }, cmd: Command): Promise<void> {
  const key = serverKey(server);
  if (f.password && f.passwordStdin) throw invalidArgument('--password and --password-stdin are mutually exclusive');
  let password = f.password;
  if (f.passwordStdin) {
    if (!f.username) throw invalidArgument('Must provide --username with --password-stdin');
    password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  } else if (password) {
    process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  let username = f.username;
  const stored = storedAuth(key);
  if (!username && !password && stored?.username) {
    username = stored.username;
    password = stored.password;
  }
  if (!username) username = (await ask(`Username${stored?.username ? ` (${stored.username})` : ''}: `)).trim() || stored?.username;
  if (!username) throw invalidArgument('Username cannot be empty');
  if (!password) password = await ask('Password: ', { silent: true });
  if (!password) throw invalidArgument('Password Required');
  const client = await connect(cmd);
  const r = await client.system.auth({ username, password, serveraddress: key === HUB_SERVER ? HUB_SERVER : key });
  const file = storeAuth(key, username, password);
  process.stderr.write(`WARNING! Your password will be stored unencrypted in ${file}.\n`);
  process.stdout.write(`${r.Status || 'Login Succeeded'}\n`);
}

export async function logoutCommand(server: string | undefined): Promise<void> {
  const key = serverKey(server);
  const shown = key === HUB_SERVER ? HUB_SERVER : key;
  if (!storedAuth(key)) {
    process.stdout.write(`Not logged in to ${shown}\n`);
    return;
  }
  process.stdout.write(`Removing login credentials for ${shown}\n`);
  removeAuth(key);
}

export async function searchCommand(term: string, f: { limit?: string; filter?: string[]; trunc?: boolean; format?: string }, cmd: Command): Promise<void> {
  const limit = f.limit === undefined ? undefined : Number(f.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw invalidArgument(`limit ${f.limit} is outside the range of [1, 100]`);
  const client = await connect(cmd);
  const results = await client.images.search(term, { limit, filters: filtersFrom(f.filter), auth: registryAuthHeader(term) });
  const rows = results.map((r) => ({
    Name: r.name,
    Description: f.trunc !== false && r.description.length > 45 ? `${r.description.slice(0, 44)}…` : r.description,
    StarCount: String(r.star_count),
    IsOfficial: r.is_official ? '[OK]' : '',
  }));
  const out = renderList(rows, f.format, {
    defaultTable: 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}',
    headers: { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL' },
  });
  process.stdout.write(out);
  if (results.length === 0 && f.format === undefined) throw new CliExit(0);
}
