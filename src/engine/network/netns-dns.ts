// Docker's resolver address inside a container: 127.0.0.11:53 (UDP and TCP) is DNATed, in the
// container's own netns, to the embedded resolver on the network's gateway. The query then leaves
// with a loopback source, so the netns routes loopback sources (route_localnet) and masquerades
// them to its own address — which is also how the resolver recognises the asker.
import { run, mustRun } from './exec.js';

export const CONTAINER_RESOLVER = '127.0.0.11';
const TABLE = 'berth-dns';

export async function redirectResolver(netnsPath: string, gateway: string): Promise<void> {
  const rules = [
    `table ip ${TABLE} {}`,
    `delete table ip ${TABLE}`,
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
  // One process: the sysctl must be written from inside the netns (/proc/sys/net is the opener's).
  await mustRun('nsenter', [`--net=${netnsPath}`, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && exec nft -f -'], rules);
}

export async function removeResolverRedirect(netnsPath: string): Promise<void> {
  await run('nsenter', [`--net=${netnsPath}`, 'nft', 'delete', 'table', 'ip', TABLE]);
}
