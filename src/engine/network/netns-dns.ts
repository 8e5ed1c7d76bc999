// Docker's resolver address inside a container: 127.0.0.11:53 (UDP and TCP) is DNATed, in the
// container's own netns, to the embedded resolver on the network's gateway. The query then leaves
// with a loopback source, so the netns routes loopback sources (route_localnet) and masquerades
// them to its own address — which is also how the resolver recognises the asker.
import { mustTool, tool } from './exec.js';

export const CONTAINER_RESOLVER = '127.0.0.11';
const TABLE = 'berth-dns';

/**
 * The netns's `berth-dns` table. `replace`: the table may exist already (a daemon restart, another
 * gateway), so it is declared, deleted and made again in one transaction. Without it (a netns
 * known to have no such table, e.g. a container's first network) the delete is left out: deleting
 * a table in a transaction makes the kernel wait for an RCU grace period, ~10–15 ms here.
 */
export function resolverRuleset(gateway: string, replace: boolean): string {
  return [
    ...(replace ? [`table ip ${TABLE} {}`, `delete table ip ${TABLE}`] : []),
    `table ip ${TABLE} {`,
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    `    ip daddr ${CONTAINER_RESOLVER} udp dport 53 dnat to ${gateway}:53`,
    `    ip daddr ${CONTAINER_RESOLVER} tcp dport 53 dnat to ${gateway}:53`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr 127.0.0.0/8 ip daddr ${gateway} masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The redirect as one tool run in the netns: the sysctl written there (/proc/sys/net is the opener's), then nft. */
export function resolverRun(gateway: string, replace: boolean): { argv: string[]; writes: Array<[string, string]>; input: string } {
  return { argv: ['nft', '-f', '-'], writes: [['/proc/sys/net/ipv4/conf/all/route_localnet', '1']], input: resolverRuleset(gateway, replace) };
}

export async function redirectResolver(netnsPath: string, gateway: string, replace = true): Promise<void> {
  const r = resolverRun(gateway, replace);
  await mustTool(r.argv, { netns: netnsPath, writes: r.writes, input: r.input });
}

export async function removeResolverRedirect(netnsPath: string): Promise<void> {
  await tool(['nft', 'delete', 'table', 'ip', TABLE], { netns: netnsPath });
}
