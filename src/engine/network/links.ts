// Bridges and veth pairs. An endpoint's veth pair is made by the tool helper over rtnetlink (one
// request, no process: tool-agent.ts); without the helper, with iproute2: one `ip -batch` on the
// host plus one inside the container's network namespace (a path: /proc/<pid>/ns/net or a
// bind-mounted netns file).
import { readFile, writeFile } from 'node:fs/promises';
import { internal } from '../../common/errors.js';
import { ipBatch, mustRun, mustTool, tool } from './exec.js';
import { type ToolCall, toolAgent } from '../host/tool-agent.js';

export async function linkExists(name: string): Promise<boolean> {
  return (await tool(['ip', 'link', 'show', 'dev', name])).code === 0;
}

/** Names of the host's links starting with `prefix`. */
export async function linksWithPrefix(prefix: string): Promise<string[]> {
  const out = await mustRun('ip', ['-j', 'link', 'show']);
  return (JSON.parse(out || '[]') as { ifname: string }[]).map((l) => l.ifname).filter((n) => n.startsWith(prefix));
}

/** Creates (or repairs) a bridge with the gateway address on it; idempotent. `exists`: when the caller knows. */
export async function ensureBridge(name: string, gatewayCidr: string, mtu: number, exists?: boolean): Promise<void> {
  const lines = (exists ?? (await linkExists(name))) ? [] : [`link add name ${name} mtu ${mtu} type bridge`];
  lines.push(`link set dev ${name} mtu ${mtu}`, `addr replace ${gatewayCidr} dev ${name}`, `link set dev ${name} up`);
  await ipBatch(lines);
  // Published ports reached from 127.0.0.1 are DNATed out of this bridge with a loopback source.
  await writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1');
}

/** The links of berthd's own network namespace (/proc/net/dev is per netns, unlike a /sys mounted elsewhere). */
async function hostLinkNames(): Promise<Set<string> | undefined> {
  const text = await readFile('/proc/net/dev', 'utf8').catch(() => undefined);
  return text === undefined ? undefined : new Set(text.split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean));
}

/** Waits (reading /proc/net/dev, no process) until none of `names` is a link of berthd's netns; returns those still there after `ms`. */
export async function linksGone(names: string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const present = await hostLinkNames();
    const left = present ? names.filter((n) => present.has(n)) : names;
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function deleteLink(name: string): Promise<void> {
  // A container's veth goes with its netns when the process exits: look before spawning `ip`.
  if ((await hostLinkNames())?.has(name) === false) return;
  const r = await tool(['ip', 'link', 'del', 'dev', name]);
  if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr)) {
    await mustTool(['ip', 'link', 'del', 'dev', name]);
  }
}

export interface VethPlan {
  hostIf: string;
  bridge: string;
  mtu: number;
  netnsPath: string;
  ifName: string;
  address: string;
  prefixLen: number;
  mac: string;
  /** default route through this gateway (null: none, e.g. internal networks or not the first network) */
  defaultVia: string | null;
}

/** What may run in the netns right after the veth pair, in the same helper request (the 127.0.0.11 redirect). */
export type ThenRun = Pick<ToolCall, 'writes' | 'input'> & { argv: string[] };

/** A veth pair: host end on the bridge, the other end in the netns, addressed and up; then `then`, if given. */
export async function attachVeth(p: VethPlan, then?: ThenRun): Promise<void> {
  const agent = toolAgent();
  if (agent.available) {
    const r = await agent.run(then?.argv ?? [], { netns: p.netnsPath, veth: p, writes: then?.writes, input: then?.input });
    if (r.code !== 0) {
      await deleteLink(p.hostIf);
      throw internal(`attaching ${p.ifName} (${p.hostIf}) in ${p.netnsPath} failed: ${r.stderr.trim() || `exit ${r.code}`}`, { input: then?.input });
    }
    return;
  }
  // One netlink request: the host end is created on the bridge and up, its peer created in the netns.
  await ipBatch([
    `link add name ${p.hostIf} mtu ${p.mtu} master ${p.bridge} up type veth peer name ${p.ifName} mtu ${p.mtu} address ${p.mac} netns ${p.netnsPath}`,
  ]);
  try {
    await ipBatch([
      'link set dev lo up',
      `addr add ${p.address}/${p.prefixLen} dev ${p.ifName}`,
      `link set dev ${p.ifName} up`,
      ...(p.defaultVia ? [`route replace default via ${p.defaultVia} dev ${p.ifName}`] : []),
    ], p.netnsPath);
    if (then) await mustTool(then.argv, { netns: p.netnsPath, writes: then.writes, input: then.input });
  } catch (e) {
    await deleteLink(p.hostIf);
    throw e;
  }
}

/** Sets the default route of a netns (after the network that held it was disconnected). */
export async function setDefaultRoute(netnsPath: string, via: string, ifName: string): Promise<void> {
  await ipBatch([`route replace default via ${via} dev ${ifName}`], netnsPath);
}

export async function enableIpForward(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
}
