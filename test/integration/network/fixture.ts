// A NetworkService over its own temp data root, plus the checks that it left nothing on the host.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkService } from '../../../src/engine/network/service.js';
import { hostNames } from '../../../src/engine/network/names.js';
import { linksWithPrefix } from '../../../src/engine/network/links.js';
import { tableExists, deleteTable } from '../../../src/engine/network/firewall.js';
import { run } from '../../../src/engine/network/exec.js';
import type { NetworkServiceOptions } from '../../../src/engine/network/types.js';

export interface Fixture { root: string; svc: NetworkService; open(extra?: Partial<NetworkServiceOptions>): Promise<NetworkService> }

/** Data roots made and not scrubbed yet: a file whose tests each make a fixture sweeps them all at the end. */
const unscrubbed = new Set<string>();

export async function makeFixture(extra: Partial<NetworkServiceOptions> = {}): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'berthtest-net-'));
  unscrubbed.add(root);
  const open = (more: Partial<NetworkServiceOptions> = {}) => NetworkService.open({ dataRoot: root, dnsUpstreams: [], ...extra, ...more });
  return { root, svc: await open(), open };
}

/** What the daemon of `root` still has on the host: links named with its prefixes, its nft table. */
export async function leftovers(root: string): Promise<string[]> {
  const n = hostNames(root);
  const links = [...(await linksWithPrefix(n.bridgePrefix)), ...(await linksWithPrefix(n.vethPrefix))];
  return [...links, ...((await tableExists(n.table)) ? [`nft table ${n.table}`] : [])];
}

/** Removes whatever a failed test left behind, then the data root. */
export async function scrub(root: string): Promise<void> {
  const n = hostNames(root);
  for (const l of [...(await linksWithPrefix(n.bridgePrefix)), ...(await linksWithPrefix(n.vethPrefix))]) await run('ip', ['link', 'del', l]);
  await deleteTable(n.table);
  await rm(root, { recursive: true, force: true });
  unscrubbed.delete(root);
}

/** scrub() for every fixture this process made and did not scrub (tests that failed half-way). */
export async function scrubAll(): Promise<void> {
  for (const root of [...unscrubbed]) await scrub(root);
}

/** A test file's after(): its namespaces, the last fixture's service, then every fixture's host objects. */
export async function tearDown(spaces: Array<{ cleanup(): Promise<void> }>, f: Fixture | undefined): Promise<void> {
  for (const s of spaces) await s.cleanup();
  await f?.svc.shutdown().catch(() => undefined);
  await scrubAll();
}
