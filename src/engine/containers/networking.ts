// The lifecycle's side of networking (docs/network.md, "Wiring into the container lifecycle"):
// after `runtime create` the container's netns exists (/proc/<pid>/ns/net); endpoints are connected,
// ports published and /etc/hosts + /etc/resolv.conf rewritten before `runtime start`. Containers in
// host/none/container:X mode are left alone. When the process is gone, everything is released.
import { readFile, writeFile } from 'node:fs/promises';
import type { ContainerRecord, EndpointSpec, PortBinding } from '../types.js';
import { conflict, invalidArgument, notFound } from '../../common/errors.js';
import type { NetworkService } from '../network/service.js';
import { portRequestsFromBindings } from '../network/port-specs.js';
import { renderResolvConf, ownHostsLines } from '../network/container-files.js';
import { baseHostsLines, writeHostFiles } from './host-files.js';
import { linkEnvironment, parseLink, withOwnEnvironment } from './link-env.js';
import { releaseNetnsFile } from '../runtime/netns-file.js';

const DEFAULT_NETWORK = 'bridge';

/** The network networkMode names, or undefined when the container gets no managed network. */
export function mainNetwork(rec: ContainerRecord): string | undefined {
  const mode = rec.spec.host.networkMode || 'default';
  if (mode === 'none' || mode === 'host' || mode.startsWith('container:')) return undefined;
  return mode === 'default' ? DEFAULT_NETWORK : mode;
}

/** Endpoint names that mean the main network itself (the CLI sends {"default": {...}} for default mode). */
function isMain(name: string, main: string, rec: ContainerRecord): boolean {
  return name === main || name === (rec.spec.host.networkMode || 'default') || (main === DEFAULT_NETWORK && name === 'default');
}

/** At create: unknown networks fail early (not_found). */
export function checkNetworks(networks: NetworkService, rec: ContainerRecord): void {
  const main = mainNetwork(rec);
  if (!main) return; // host/none/container:X (and default without the bridge): no endpoints to check
  if (main !== DEFAULT_NETWORK) networks.get(main);
  for (const name of Object.keys(rec.spec.endpoints ?? {})) if (!isMain(name, main, rec)) networks.get(name);
}

/**
 * Connects, publishes and writes the name files; on failure releases what was taken and throws.
 * `netns`: the container's pid (its /proc/<pid>/ns/net) or a namespace file made before it (netns-file.ts).
 */
export async function attachNetworking(networks: NetworkService, rec: ContainerRecord, netns: number | string): Promise<void> {
  const main = mainNetwork(rec);
  rec.network = { sandboxKey: '', ports: {}, endpoints: {} };
  if (!main) return;
  const netnsPath = typeof netns === 'string' ? netns : `/proc/${netns}/ns/net`;
  rec.network.sandboxKey = netnsPath;
  const host = rec.spec.host;
  try {
    const eps = rec.spec.endpoints ?? {};
    const mainKey = Object.keys(eps).find((n) => isMain(n, main, rec));
    const order = [main, ...Object.keys(eps).filter((n) => !isMain(n, main, rec))];
    for (const net of order) {
      const e = net === main ? (mainKey ? eps[mainKey] : undefined) : eps[net];
      const ep = await networks.connect(rec.id, netnsPath, net, {
        containerName: rec.name, aliases: e?.aliases ?? [], ipv4Address: e?.ipv4Address || undefined, macAddress: e?.macAddress || undefined,
        dns: host.dns?.length ? host.dns : undefined,
      });
      rec.network.endpoints[ep.networkName] = ep;
    }
    const published = await networks.publishPorts(rec.id, portRequestsFromBindings(host.portBindings ?? {}, rec.effective.exposedPorts, host.publishAllPorts));
    const ports: Record<string, PortBinding[] | null> = {};
    for (const key of rec.effective.exposedPorts) ports[key] = null;
    for (const p of published) (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ hostIp: p.hostIp, hostPort: String(p.hostPort) });
    rec.network.ports = ports;
    await writeNameFiles(networks, rec);
  } catch (e) {
    // The namespace itself stays: the runtime may be joining it right now (the start's clean-up releases it).
    await detachNetworking(networks, rec, { keepNetns: true });
    throw e;
  }
}

async function writeNameFiles(networks: NetworkService, rec: ContainerRecord): Promise<void> {
  const host = rec.spec.host;
  const hostname = (await readFile(rec.hostnamePath, 'utf8').catch(() => '')).trim() || rec.id.slice(0, 12);
  // Rebuilt from scratch each start: the addresses of the last run must not linger.
  await writeHostFiles(rec, hostname, host.extraHosts ?? [], [], [], []);
  await writeHosts(networks, rec, true);
  const hostResolvConf = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFile(rec.resolvConfPath, renderResolvConf({
    embedded: networks.resolvConfNameserver(rec.id), hostResolvConf, dns: host.dns ?? [], dnsSearch: host.dnsSearch ?? [], dnsOptions: host.dnsOptions ?? [],
  }));
}

/**
 * /etc/hosts with the container's own address on each network it is on now. Written in place (same
 * inode): the file is bind-mounted, so a running container sees connect/disconnect at once.
 */
async function writeHosts(networks: NetworkService, rec: ContainerRecord, atStart = false): Promise<void> {
  const hostname = (await readFile(rec.hostnamePath, 'utf8').catch(() => '')).trim() || rec.id.slice(0, 12);
  const own = ownHostsLines(networks.endpointsOf(rec.id), hostname, rec.spec.domainname);
  const lines = [...baseHostsLines(hostname, rec.spec.host.extraHosts ?? [], own.length > 0), ...linkLines(networks, rec, atStart), ...own];
  await writeFile(rec.hostsPath, `${lines.join('\n')}\n`);
}

/**
 * Legacy `--link name[:alias]`: an /etc/hosts line "<ip>\t<alias> <name>" for a running container
 * on a network this one shares; Docker refuses to start when the linked container is not there.
 * (The link environment variables are link-env.ts's.)
 */
function linkLines(networks: NetworkService, rec: ContainerRecord, atStart: boolean): string[] {
  return (rec.spec.host.links ?? []).flatMap((l) => {
    const { name, alias } = parseLink(l);
    const ip = networks.addressOf(name, rec.id);
    if (!ip && atStart) throw invalidArgument(`Cannot link to a non running container: /${name} AS /${rec.name}/${alias}`);
    return ip ? [`${ip}\t${alias === name ? name : `${alias} ${name}`}`] : [];
  });
}

/**
 * The process environment at start: on the default bridge, legacy links' variables first (the
 * linked containers must be running; their bridge addresses are known before this one connects).
 */
export function environmentWithLinks(rec: ContainerRecord, find: (name: string) => ContainerRecord | undefined): string[] {
  const links = rec.spec.host.links ?? [];
  if (links.length === 0 || mainNetwork(rec) !== DEFAULT_NETWORK) return rec.effective.env;
  const linkEnv = linkEnvironment(rec.name, links, (name) => {
    const other = find(name);
    const ip = other?.network.endpoints[DEFAULT_NETWORK]?.ipAddress;
    return other && ip ? { ip, env: other.effective.env, exposedPorts: other.effective.exposedPorts } : undefined;
  });
  return withOwnEnvironment(linkEnv, rec.effective.env);
}

/** Releases endpoints and ports (idempotent); the record keeps no stale addresses. */
export async function detachNetworking(networks: NetworkService, rec: ContainerRecord, o: { keepNetns?: boolean } = {}): Promise<void> {
  // A namespace file goes first: the namespace then ends as when a /proc/<pid> one loses its
  // process (its veth with it), and the endpoints are released as for those.
  const key = rec.network.sandboxKey;
  if (key && !key.startsWith('/proc/') && !o.keepNetns) await releaseNetnsFile(key);
  await networks.disconnectAll(rec.id);
  rec.network = { sandboxKey: '', ports: {}, endpoints: {} };
}

/** `network connect`: recorded in the spec; a running container gets the endpoint at once. */
export async function connectContainer(networks: NetworkService, rec: ContainerRecord, running: boolean, network: string, e: EndpointSpec): Promise<void> {
  const main = mainNetwork(rec);
  const mode = rec.spec.host.networkMode || 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) throw conflict(`container sharing network namespace with another container or host cannot be connected to any other network`);
  const net = networks.get(network);
  const eps = (rec.spec.endpoints ??= {});
  if (net.name === main || eps[net.name] || rec.network.endpoints[net.name]) throw conflict(`endpoint with name ${rec.name} already exists in network ${net.name}`);
  if (running && rec.network.sandboxKey) {
    const ep = await networks.connect(rec.id, rec.network.sandboxKey, net.name, {
      containerName: rec.name, aliases: e.aliases ?? [], ipv4Address: e.ipv4Address || undefined, macAddress: e.macAddress || undefined,
      dns: rec.spec.host.dns?.length ? rec.spec.host.dns : undefined,
    });
    rec.network.endpoints[ep.networkName] = ep;
    await writeHosts(networks, rec);
  } else {
    // Inspect shows the network (without addresses) until the next start connects it, as Docker's.
    rec.network.endpoints[net.name] = { networkId: net.id, networkName: net.name, endpointId: '', ipAddress: '', prefixLen: 0, gateway: '', macAddress: '', aliases: e.aliases ?? [], dnsNames: [] };
  }
  eps[net.name] = { aliases: e.aliases ?? [], ...(e.ipv4Address ? { ipv4Address: e.ipv4Address } : {}), ...(e.macAddress ? { macAddress: e.macAddress } : {}) };
}

/** `network disconnect`: forgotten by the spec; a running container loses the endpoint at once. */
export async function disconnectContainer(networks: NetworkService, rec: ContainerRecord, network: string): Promise<void> {
  const net = networks.get(network);
  const main = mainNetwork(rec);
  const eps = rec.spec.endpoints ?? {};
  if (!eps[net.name] && !rec.network.endpoints[net.name] && net.name !== main) throw notFound(`container ${rec.id} is not connected to network ${net.name}`);
  if (networks.endpointsOf(rec.id).some((x) => x.networkName === net.name)) {
    await networks.disconnect(rec.id, net.name);
    await writeHosts(networks, rec);
  }
  delete rec.network.endpoints[net.name];
  delete eps[net.name];
  // Leaving the main network: the container keeps what the spec says, none beyond it (Docker's mode stays).
  if (net.name === main) rec.spec.host.networkMode = 'none';
}
