// The daemon's nftables table: isolation between its networks, `internal` networks cut off,
// outbound NAT, and DNAT for published ports. The whole table is rendered from state and replaced
// in one `nft -f` transaction, so it is never half-applied and never drifts from what berthd knows.
// Replaced by flushing its rules and declaring it again (its chains are always the same five):
// deleting the table instead makes the kernel wait for an RCU grace period (~10 ms here) on every
// change; the delete is the fallback should the flush be refused (a table from another version).
import { mustTool, run, tool } from './exec.js';
import type { PublishedPort } from './types.js';

export interface FirewallNetwork { bridge: string; subnet: string; internal: boolean }

const q = (s: string) => JSON.stringify(s);
const set = (items: string[]) => `{ ${items.map(q).join(', ')} }`;

export function renderRuleset(table: string, networks: FirewallNetwork[], ports: PublishedPort[], how: 'flush' | 'delete' = 'flush'): string {
  const bridges = networks.map((n) => n.bridge);
  const fwd: string[] = [];
  const post: string[] = [];
  const dnat: string[] = [];
  if (bridges.length > 0) {
    // With br_netfilter, frames bridged inside one network pass this hook too: let them through first.
    for (const b of bridges) fwd.push(`iifname ${q(b)} oifname ${q(b)} accept`);
    for (const n of networks.filter((x) => x.internal)) {
      fwd.push(`iifname ${q(n.bridge)} drop`, `oifname ${q(n.bridge)} drop`);
    }
    // Published ports are reachable from anywhere, other networks included (through the host's address);
    // the conntrack status also lets their replies back.
    fwd.push(`oifname ${set(bridges)} ct status dnat accept`);
    fwd.push(`iifname ${set(bridges)} oifname ${set(bridges)} drop`);
    fwd.push(`oifname ${set(bridges)} ct state established,related accept`);
    fwd.push(`oifname ${set(bridges)} drop`);
    for (const n of networks) {
      // Connections from the host's loopback to a published port: the container must answer the bridge.
      post.push(`oifname ${q(n.bridge)} ip saddr 127.0.0.0/8 masquerade`);
      // Hairpin: a container reaching a published port of its own network through the host's address.
      post.push(`oifname ${q(n.bridge)} ip saddr ${n.subnet} ct status dnat masquerade`);
      if (!n.internal) post.push(`oifname != ${q(n.bridge)} ip saddr ${n.subnet} masquerade`);
    }
  }
  for (const p of ports) {
    const daddr = p.hostIp === '0.0.0.0' || p.hostIp === '' ? '' : `ip daddr ${p.hostIp} `;
    dnat.push(`${daddr}${p.proto} dport ${p.hostPort} dnat to ${p.containerIp}:${p.containerPort}`);
  }
  const chain = (name: string, head: string, rules: string[]) =>
    `  chain ${name} {\n${head ? `    ${head}\n` : ''}${rules.map((r) => `    ${r}\n`).join('')}  }\n`;
  return [
    `table ip ${table} {}`,
    `${how} table ip ${table}`,
    `table ip ${table} {`,
    chain('forward', 'type filter hook forward priority filter; policy accept;', fwd),
    chain('ports', '', dnat),
    chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', ['fib daddr type local jump ports']),
    chain('output', 'type nat hook output priority -100; policy accept;', ['fib daddr type local jump ports']),
    chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', post),
    '}',
    '',
  ].join('\n');
}

export async function applyRuleset(text: string): Promise<void> {
  await mustTool(['nft', '-f', '-'], { input: text });
}

export async function deleteTable(table: string): Promise<void> {
  await tool(['nft', 'delete', 'table', 'ip', table]);
}

export async function tableExists(table: string): Promise<boolean> {
  return (await run('nft', ['list', 'table', 'ip', table])).code === 0;
}
