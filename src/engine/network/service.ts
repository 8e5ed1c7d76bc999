// NetworkService: berthd's networks. It owns the records under ${dataRoot}/network/, the host's
// bridges and veths named with the daemon's hash, one nftables table, the held published ports and
// the embedded DNS. The container lifecycle calls it (see docs/network.md); it knows nothing of
// containers beyond an id, a name and a network namespace path.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { alreadyExists, conflict, invalidArgument, notFound, notImplemented, asBerthError } from '../../common/errors.js';
import type { EndpointState } from '../types.js';
import type {
  ConnectOptions, NetworkCreateOptions, NetworkRecord, NetworkServiceOptions, PortRequest, PublishedPort, StoredEndpoint,
} from './types.js';
import { DEFAULT_POOL, allocate, chooseSubnet, newIpam, release } from './ipam.js';
import { type Cidr, macForIp, overlaps, parseCidr, parseIp } from './ipv4.js';
import { hostRouteCidrs } from './host-routes.js';
import { type HostNames, MAX_IFNAME, hostNames } from './names.js';
import { attachVeth, deleteLink, enableIpForward, ensureBridge, linkExists, linksGone, linksWithPrefix, setDefaultRoute } from './links.js';
import { type ResolverPlan, wireEndpoint } from './endpoint-wiring.js';
import { applyRuleset, deleteTable, renderRuleset } from './firewall.js';
import { type HeldPort, holdPort } from './port-holder.js';
import { EmbeddedDns, hostResolvers } from './dns.js';
import { CONTAINER_RESOLVER, redirectResolver, removeResolverRedirect } from './netns-dns.js';
import { readJson } from '../../common/json-file.js';
import { RecordWriter, SKIP } from './record-writer.js';
import { KeyedQueue, SerialQueue } from './serial-queue.js';
import { withHostLock } from './host-lock.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const OPT_BRIDGE_NAME = 'com.docker.network.bridge.name';
const OPT_MTU = 'com.docker.network.driver.mtu';
const DEFAULT_MTU = 1500;

const portKey = (p: { proto: string; hostIp: string; hostPort: number }) => `${p.proto}:${p.hostIp}:${p.hostPort}`;
/** What `redirected` holds for a netns whose redirect berthd does not know (after a restart, a failed change). */
const UNKNOWN = 'unknown';
/** How long the kernel gets to remove the veth of a netns that went away before berthd deletes it itself. */
const LATE_LINK_MS = 500;

export class NetworkService {
  private readonly networks = new Map<string, NetworkRecord>();
  private ports: PublishedPort[] = [];
  private readonly held = new Map<string, HeldPort>();
  /** Networks whose bridge is up on the host (the rest exist only as records until an endpoint comes). */
  private readonly up = new Set<string>();
  private forwarding = false;
  /**
   * container id → gateway its 127.0.0.11 is redirected to (what its netns holds now), or UNKNOWN;
   * no entry: its netns has no redirect table.
   */
  private readonly redirected = new Map<string, string>();
  /**
   * Endpoints being wired (endpoint id → endpoint): their address is taken in IPAM and they are
   * written with their network's record (persisted()), but not in DNS or the in-memory record yet;
   * their network cannot be removed meanwhile.
   */
  private readonly pending = new Map<string, StoredEndpoint>();
  private readonly names: HostNames;
  private readonly dir: string;
  /**
   * State changes (records, IPAM, bridges, the nft table) one at a time. Endpoint wiring (processes
   * in the container's netns) runs outside it, in order per container (`perContainer`), so parallel
   * container starts wait here only for the bookkeeping.
   */
  private readonly queue = new SerialQueue();
  private readonly perContainer = new KeyedQueue();
  private readonly writer = new RecordWriter();
  private readonly dns: EmbeddedDns;
  private readonly log: NonNullable<NetworkServiceOptions['log']>;

  constructor(private readonly opts: NetworkServiceOptions) {
    this.names = hostNames(opts.dataRoot);
    this.dir = join(opts.dataRoot, 'network');
    this.log = opts.log ?? (() => undefined);
    this.dns = new EmbeddedDns(this.dnsSource(), opts.dnsUpstreams ?? []);
  }

  /** Constructs and restores: what berthd calls at start-up. */
  static async open(opts: NetworkServiceOptions, alive?: (containerId: string) => boolean): Promise<NetworkService> {
    const s = new NetworkService(opts);
    await s.restore(alive);
    return s;
  }

  /** The daemon's nftables table (family ip) and link-name prefixes: for tests and diagnostics. */
  get hostNames(): HostNames { return this.names; }

  // ---------- start-up and shut-down ----------

  /**
   * At daemon start: loads the records, recreates missing bridges, drops endpoints whose netns is
   * gone (releasing their addresses and ports), re-holds published ports, deletes this daemon's
   * leftover links, rewrites the nft table and starts DNS. `alive(containerId)` lets the caller
   * say which containers still run; without it a netns path that no longer exists means gone.
   */
  restore(alive?: (containerId: string) => boolean): Promise<void> {
    return this.queue.run(async () => {
      if (!this.opts.dnsUpstreams) this.dns.upstreams = await hostResolvers();
      const files = await readdir(join(this.dir, 'networks')).catch(() => [] as string[]);
      for (const f of files.filter((x) => x.endsWith('.json'))) {
        const rec = await readJson<NetworkRecord>(join(this.dir, 'networks', f));
        if (rec) this.networks.set(rec.id, rec);
      }
      this.ports = (await readJson<PublishedPort[]>(join(this.dir, 'ports.json'))) ?? [];
      const anyEndpoint = [...this.networks.values()].some((n) => Object.keys(n.endpoints).length > 0);
      if (anyEndpoint) await enableIpForward();
      for (const net of this.networks.values()) {
        let changed = false;
        for (const ep of Object.values(net.endpoints)) {
          const gone = (alive && !alive(ep.containerId)) || !existsSync(ep.netnsPath);
          if (gone) {
            await deleteLink(ep.hostIf);
            release(net.ipam, ep.ipAddress);
            delete net.endpoints[ep.endpointId];
            changed = true;
          }
        }
        // Addresses no endpoint holds (an attach or a release cut short by a crash) are free again.
        for (const [ip, owner] of Object.entries(net.ipam.allocated)) {
          if (!owner.startsWith('reserved:') && !net.endpoints[owner]) { release(net.ipam, ip); changed = true; }
        }
        if (changed) await this.save(net);
        if (Object.keys(net.endpoints).length > 0) await this.bringUp(net);
      }
      // Repair: an endpoint whose netns lives but whose veth pair was deleted behind our back is wired again.
      const present = new Set(await linksWithPrefix(this.names.vethPrefix));
      for (const ep of this.endpoints().filter((e) => !present.has(e.hostIf))) {
        const net = this.networks.get(ep.networkId)!;
        await attachVeth({
          hostIf: ep.hostIf, bridge: net.bridge, mtu: net.mtu, netnsPath: ep.netnsPath, ifName: ep.ifName, address: ep.ipAddress,
          prefixLen: ep.prefixLen, mac: ep.macAddress, defaultVia: ep.defaultRoute ? net.ipam.gateway : null,
        }).catch((e: unknown) => this.log('warn', 'endpoint could not be rewired', { endpoint: ep.endpointId, error: asBerthError(e).message }));
      }
      const live = new Set(this.endpoints().map((e) => e.containerId));
      for (const c of live) {
        // What a running container's netns holds is not known after a restart: made again (replacing) when wanted, else replaced at the next change.
        if (this.opts.loopbackResolver === false) break;
        this.redirected.set(c, UNKNOWN);
        if (this.nameserverFor(c)) await this.syncResolverRedirect(c).catch((e: unknown) => this.log('warn', 'resolver redirect not restored', { container: c, error: asBerthError(e).message }));
      }
      this.ports = this.ports.filter((p) => live.has(p.containerId));
      for (const p of [...this.ports]) {
        try {
          this.held.set(portKey(p), await holdPort(p));
        } catch (e) {
          this.log('warn', 'published port could not be held again', { port: portKey(p), error: asBerthError(e).message });
        }
      }
      await this.savePorts();
      // Bridges of networks without endpoints are dropped too: they come back with the first endpoint.
      const ownBridges = new Set([...this.networks.values()].filter((n) => this.up.has(n.id)).map((n) => n.bridge));
      const ownVeths = new Set(this.endpoints().map((e) => e.hostIf));
      for (const l of await linksWithPrefix(this.names.bridgePrefix)) if (!ownBridges.has(l)) await deleteLink(l);
      // Bridges named by the user (com.docker.network.bridge.name) carry no prefix: the record says they are ours.
      for (const n of this.networks.values()) if (!this.up.has(n.id) && (await linkExists(n.bridge))) await deleteLink(n.bridge);
      for (const l of await linksWithPrefix(this.names.vethPrefix)) if (!ownVeths.has(l)) await deleteLink(l);
      await this.syncFirewall();
    });
  }

  /**
   * At daemon shut-down: stops DNS and releases held ports. When no endpoint remains, also removes
   * every bridge and the nft table; with containers still running their networking stays up.
   */
  shutdown(): Promise<void> {
    return this.queue.run(async () => {
      await this.dns.closeAll();
      for (const h of this.held.values()) await h.close();
      this.held.clear();
      if (this.endpoints().length === 0 && this.pending.size === 0) await this.teardownHost();
    });
  }

  // ---------- networks ----------

  create(o: NetworkCreateOptions): Promise<NetworkRecord> {
    return this.queue.run(async () => {
      if (!NAME_RE.test(o.name)) throw invalidArgument(`invalid network name "${o.name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      if (this.find(o.name)) throw alreadyExists(`network with name ${o.name} already exists`);
      const driver = o.driver ?? 'bridge';
      if (driver !== 'bridge') throw notImplemented(`network driver "${driver}" is not supported (only bridge)`);
      const options = o.options ?? {};
      const mtu = options[OPT_MTU] ? Number(options[OPT_MTU]) : DEFAULT_MTU;
      if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw invalidArgument(`invalid MTU: ${options[OPT_MTU]}`);
      const id = randomBytes(32).toString('hex');
      const bridge = options[OPT_BRIDGE_NAME] ?? this.names.bridge(id);
      if (bridge.length > MAX_IFNAME || !/^[a-zA-Z0-9_.-]+$/.test(bridge)) throw invalidArgument(`invalid bridge name "${bridge}" (at most ${MAX_IFNAME} characters)`);
      // A name of our own carries a fresh random id: only a name the user chose can be taken on the host.
      const userBridge = !!options[OPT_BRIDGE_NAME];
      if ([...this.networks.values()].some((n) => n.bridge === bridge) || (userBridge && (await linkExists(bridge)))) throw alreadyExists(`bridge ${bridge} already exists on the host`);

      // Under the host-wide lock: the subnet is chosen against the host's routes and the bridge (with
      // its route) is up before another daemon looks.
      const rec = await withHostLock(async () => {
        const own = [...this.networks.values()].map((n) => parseCidr(n.ipam.subnet));
        let subnet: Cidr;
        if (o.subnet) {
          subnet = parseCidr(o.subnet);
          if (own.some((c) => overlaps(c, subnet))) throw conflict(`subnet ${o.subnet} overlaps with another network of this daemon`);
        } else {
          if (o.gateway || o.ipRange) throw invalidArgument('--gateway and --ip-range need --subnet');
          const pool = this.opts.pool ?? DEFAULT_POOL;
          subnet = chooseSubnet(pool, [...own, ...(await hostRouteCidrs())], parseInt(this.names.table.slice(-6), 16));
        }
        const created: NetworkRecord = {
          id, name: o.name, driver: 'bridge', created: new Date().toISOString(), internal: !!o.internal,
          labels: o.labels ?? {}, options, bridge, mtu, dns: o.dns ?? true,
          ipam: newIpam(subnet, o.gateway, o.ipRange), endpoints: {},
        };
        this.networks.set(id, created);
        try {
          // Record, bridge and nft table are independent of each other. Our own bridge name is new
          // (another daemon could take a user-chosen one meanwhile: that one is looked at again).
          const [saved, upped] = await Promise.allSettled([this.save(created), this.bringUp(created, userBridge ? undefined : false)]);
          if (saved.status === 'rejected') throw saved.reason;
          if (upped.status === 'rejected') throw upped.reason;
        } catch (e) {
          this.networks.delete(id);
          this.up.delete(id);
          await deleteLink(bridge);
          await this.writer.remove(this.recordPath(id));
          await this.syncFirewall().catch(() => undefined); // the table may have named the bridge already
          throw e;
        }
        return created;
      });
      this.emit('create', rec);
      return structuredClone(rec);
    });
  }

  /**
   * Docker's default network "bridge": created when missing (no embedded DNS on it, as Docker;
   * containers there get the host's resolvers). Not pruned.
   */
  async ensureDefaultNetwork(opts: Omit<NetworkCreateOptions, 'name' | 'dns'> = {}): Promise<NetworkRecord> {
    const existing = this.find('bridge');
    if (existing) return structuredClone(existing);
    return this.create({ ...opts, name: 'bridge', dns: false });
  }

  list(): NetworkRecord[] {
    return [...this.networks.values()].map((n) => structuredClone(n));
  }

  /** By full id, name, or unique id prefix. */
  get(idOrName: string): NetworkRecord {
    return structuredClone(this.mustFind(idOrName));
  }

  remove(idOrName: string): Promise<void> {
    return this.queue.run(async () => {
      const net = this.mustFind(idOrName);
      const eps = [...Object.values(net.endpoints), ...[...this.pending.values()].filter((e) => e.networkId === net.id)];
      if (eps.length > 0) throw conflict(`error while removing network: network ${net.name} id ${net.id} has active endpoints (${eps.map((e) => e.containerName).join(', ')})`);
      await this.removeNetwork(net);
    });
  }

  /** Removes networks without endpoints (except the default "bridge" and those named in `keep`). */
  prune(opts: { keep?: string[]; labels?: Record<string, string> } = {}): Promise<string[]> {
    return this.queue.run(async () => {
      const removed: string[] = [];
      for (const net of [...this.networks.values()]) {
        if (this.inUse(net) || net.name === 'bridge' || opts.keep?.includes(net.name)) continue;
        if (opts.labels && Object.entries(opts.labels).some(([k, v]) => net.labels[k] !== v)) continue;
        await this.removeNetwork(net);
        removed.push(net.name);
      }
      return removed;
    });
  }

  // ---------- endpoints ----------

  /**
   * Attaches a container's netns to a network: an address from IPAM, a veth pair (ethN inside),
   * the default route through the first non-internal network, and DNS names (container name,
   * aliases, short id). The address and interface are chosen under the queue; the processes that
   * wire them run outside it, so containers attach side by side; the endpoint is then recorded
   * (on disk before this returns) or everything is rolled back.
   */
  connect(containerId: string, netnsPath: string, network: string, o: ConnectOptions): Promise<EndpointState> {
    return this.perContainer.run(containerId, async () => {
      const { net, ep, resolver } = await this.queue.run(() => this.reserveEndpoint(containerId, netnsPath, network, o));
      // The record (with this endpoint) goes to disk while the endpoint is wired: a crash in
      // between leaves an endpoint of a container that never ran, which restore drops.
      const saved = this.save(net);
      saved.catch(() => undefined); // awaited below
      const wired = wireEndpoint({
        hostIf: ep.hostIf, bridge: net.bridge, mtu: net.mtu, netnsPath, ifName: ep.ifName, address: ep.ipAddress, prefixLen: ep.prefixLen,
        mac: ep.macAddress, defaultVia: ep.defaultRoute ? net.ipam.gateway : null,
      }, resolver);
      const [w, d] = await Promise.allSettled([wired, saved]);
      if (w.status === 'rejected' || d.status === 'rejected') {
        // The redirect may have been made or not: the next change replaces whatever is there.
        if (resolver) this.redirected.set(containerId, UNKNOWN);
        if (w.status === 'fulfilled') await deleteLink(ep.hostIf).catch(() => undefined);
        await this.queue.run(async () => { this.pending.delete(ep.endpointId); release(net.ipam, ep.ipAddress); });
        await this.save(net).catch(() => undefined);
        throw w.status === 'rejected' ? w.reason : (d as PromiseRejectedResult).reason;
      }
      await this.queue.run(async () => {
        this.pending.delete(ep.endpointId);
        net.endpoints[ep.endpointId] = ep;
        if (resolver) this.redirected.set(containerId, resolver.gateway);
      });
      this.emit('connect', net, containerId);
      return toEndpointState(ep);
    });
  }

  /** Detaches a container from one network: veth removed, address released, its ports on that network unpublished. */
  disconnect(containerId: string, network: string): Promise<void> {
    return this.perContainer.run(containerId, async () => {
      const released = await this.queue.run(async () => {
        const net = this.mustFind(network);
        const ep = Object.values(net.endpoints).find((e) => e.containerId === containerId);
        if (!ep) throw notFound(`container ${containerId.slice(0, 12)} is not connected to network ${net.name}`);
        return this.unrecordEndpoints(containerId, [ep], (p) => p.networkId === net.id);
      });
      await this.finishRelease(containerId, released);
    });
  }

  /** Detaches a container from every network and unpublishes its ports (container stop / rm). */
  disconnectAll(containerId: string): Promise<void> {
    return this.perContainer.run(containerId, async () => {
      const released = await this.queue.run(() =>
        this.unrecordEndpoints(containerId, this.endpoints().filter((e) => e.containerId === containerId), () => true));
      await this.finishRelease(containerId, released);
    });
  }

  /** The address of the container named `containerName` on a network `containerId` is on too (legacy links). */
  addressOf(containerName: string, containerId: string): string | undefined {
    const mine = new Set(this.endpoints().filter((e) => e.containerId === containerId).map((e) => e.networkId));
    return this.endpoints().find((e) => e.containerName === containerName && mine.has(e.networkId))?.ipAddress;
  }

  /** A container's endpoints (as stored), e.g. to write /etc/hosts. */
  endpointsOf(containerId: string): EndpointState[] {
    return this.endpoints().filter((e) => e.containerId === containerId).map(toEndpointState);
  }

  /**
   * The nameserver a container's /etc/resolv.conf should name: the gateway of its first
   * DNS-enabled network (where the embedded resolver listens); undefined: use the host's resolvers.
   */
  nameserverFor(containerId: string): string | undefined {
    return this.resolverGateway(containerId);
  }

  /**
   * What the container's /etc/resolv.conf should say, as Docker writes it: "127.0.0.11" (redirected
   * inside its netns to the embedded resolver) when it is on a DNS-enabled network; undefined: use
   * the host's resolvers (default bridge, no network).
   */
  resolvConfNameserver(containerId: string): string | undefined {
    const gw = this.nameserverFor(containerId);
    return gw && this.opts.loopbackResolver !== false ? CONTAINER_RESOLVER : gw;
  }

  // ---------- published ports ----------

  /**
   * Publishes ports of a connected container: each host port is held with a socket (already_exists
   * when taken; 0 picks an ephemeral port) and DNATed to the container's address on `network`
   * (default: its first non-internal network). All or nothing.
   */
  publishPorts(containerId: string, requests: PortRequest[], network?: string): Promise<PublishedPort[]> {
    if (requests.length === 0) return Promise.resolve([]); // nothing asked: a container only on internal networks is fine
    return this.perContainer.run(containerId, async () => {
      const added = await this.queue.run(async () => {
        const eps = this.endpoints().filter((e) => e.containerId === containerId);
        const ep = network ? eps.find((e) => e.networkId === this.mustFind(network).id) : eps.find((e) => !this.networks.get(e.networkId)?.internal);
        if (!ep) throw failedToPublish(containerId, network);
        if (this.networks.get(ep.networkId)?.internal) throw invalidArgument(`ports cannot be published on internal network ${ep.networkName}`);
        const taken: PublishedPort[] = [];
        try {
          for (const r of requests) {
            const held = await holdPort(r);
            const p: PublishedPort = { ...r, hostIp: r.hostIp || '0.0.0.0', hostPort: held.port, containerId, containerIp: ep.ipAddress, networkId: ep.networkId };
            this.held.set(portKey(p), held);
            taken.push(p);
          }
          this.ports.push(...taken);
          await this.syncFirewall();
        } catch (e) {
          const keys = new Set(taken.map(portKey));
          this.ports = this.ports.filter((p) => !keys.has(portKey(p)));
          for (const k of keys) { await this.held.get(k)?.close(); this.held.delete(k); }
          throw e;
        }
        return taken;
      });
      // On failure the caller's rollback (disconnectAll) releases them.
      await this.savePorts();
      return added.map((p) => ({ ...p }));
    });
  }

  unpublishPorts(containerId: string): Promise<void> {
    return this.perContainer.run(containerId, async () => {
      const gone = await this.queue.run(async () => {
        const released = await this.releasePorts((p) => p.containerId === containerId);
        if (released) await this.syncFirewall();
        return released;
      });
      if (gone) await this.savePorts();
    });
  }

  listPorts(containerId?: string): PublishedPort[] {
    return this.ports.filter((p) => !containerId || p.containerId === containerId).map((p) => ({ ...p }));
  }

  // ---------- internals ----------

  private endpoints(): StoredEndpoint[] {
    return [...this.networks.values()].flatMap((n) => Object.values(n.endpoints));
  }

  /** Endpoints recorded or being wired: the network cannot go. */
  private inUse(net: NetworkRecord): boolean {
    return Object.keys(net.endpoints).length > 0 || [...this.pending.values()].some((e) => e.networkId === net.id);
  }

  /**
   * Under the queue: checks, an address, an interface name and the default-route choice for a new
   * endpoint, held as pending; the network's bridge is up when this returns.
   */
  private async reserveEndpoint(containerId: string, netnsPath: string, network: string, o: ConnectOptions): Promise<{ net: NetworkRecord; ep: StoredEndpoint; resolver?: ResolverPlan }> {
    const net = this.mustFind(network);
    if (Object.values(net.endpoints).some((e) => e.containerId === containerId)) {
      throw conflict(`container ${o.containerName} is already attached to network ${net.name}`);
    }
    if (!existsSync(netnsPath)) throw invalidArgument(`network namespace ${netnsPath} does not exist`);
    // Only recorded endpoints count: this container's other attaches are ordered by perContainer.
    const mine = this.endpoints().filter((e) => e.containerId === containerId);
    const endpointId = randomBytes(32).toString('hex');
    const ip = allocate(net.ipam, endpointId, o.ipv4Address);
    const ep: StoredEndpoint = {
      networkId: net.id, networkName: net.name, endpointId, ipAddress: ip, prefixLen: parseCidr(net.ipam.subnet).len,
      gateway: net.internal ? '' : net.ipam.gateway, macAddress: o.macAddress ?? macForIp(parseIp(ip)), aliases: o.aliases ?? [],
      dnsNames: net.dns ? [o.containerName, ...(o.aliases ?? []), containerId.slice(0, 12)] : [],
      containerId, containerName: o.containerName, netnsPath, ifName: firstFree(mine.map((e) => e.ifName)), hostIf: this.names.veth(endpointId),
      defaultRoute: !net.internal && !mine.some((e) => e.defaultRoute),
      ...(o.dns?.length ? { upstreams: o.dns } : {}),
    };
    this.pending.set(endpointId, ep);
    try {
      if (!this.forwarding) { await enableIpForward(); this.forwarding = true; }
      await this.bringUp(net);
    } catch (e) {
      this.pending.delete(endpointId);
      release(net.ipam, ip);
      throw e;
    }
    return { net, ep, resolver: this.resolverPlan(containerId, ep) };
  }

  /** The redirect change that connecting `ep` calls for, if any. */
  private resolverPlan(containerId: string, ep: StoredEndpoint): ResolverPlan | undefined {
    if (this.opts.loopbackResolver === false) return undefined;
    const want = this.resolverGateway(containerId, ep);
    const have = this.redirected.get(containerId);
    return want && want !== have ? { gateway: want, replace: have !== undefined } : undefined;
  }

  /** The gateway of the container's first DNS-enabled network (in network order), counting `extra` as attached. */
  private resolverGateway(containerId: string, extra?: StoredEndpoint): string | undefined {
    for (const n of this.networks.values()) {
      if (!n.dns) continue;
      if (extra?.networkId === n.id || Object.values(n.endpoints).some((e) => e.containerId === containerId)) return n.ipam.gateway;
    }
    return undefined;
  }

  private find(idOrName: string): NetworkRecord | undefined {
    const all = [...this.networks.values()];
    const exact = all.find((n) => n.id === idOrName) ?? all.find((n) => n.name === idOrName);
    if (exact) return exact;
    const byPrefix = idOrName.length >= 1 ? all.filter((n) => n.id.startsWith(idOrName)) : [];
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  private mustFind(idOrName: string): NetworkRecord {
    const n = this.find(idOrName);
    if (!n) throw notFound(`network ${idOrName} not found`);
    return n;
  }

  /**
   * Bridge up, DNS listening on its gateway, the bridge in the nft table: what a network needs once
   * it has (or may get) endpoints. `bridgeExists` false: the caller knows there is no such link yet.
   */
  private async bringUp(net: NetworkRecord, bridgeExists?: boolean): Promise<void> {
    if (this.up.has(net.id)) return; // checked once per daemon run; attaching stays two processes
    this.up.add(net.id);
    try {
      // The table names the bridge, it does not need it to exist: both at once.
      const bridge = ensureBridge(net.bridge, `${net.ipam.gateway}/${parseCidr(net.ipam.subnet).len}`, net.mtu, bridgeExists)
        .then(() => (net.dns ? this.dns.listen(net.ipam.gateway) : undefined));
      const [b, f] = await Promise.allSettled([bridge, this.syncFirewall()]);
      if (b.status === 'rejected') throw b.reason;
      if (f.status === 'rejected') throw f.reason;
    } catch (e) {
      this.up.delete(net.id);
      throw e;
    }
  }

  /**
   * First half of a release, under the queue: the endpoints leave their records (and DNS), their
   * ports (those `ports` matches) go, the default route is handed on. Their addresses stay taken
   * until their links are gone (finishRelease).
   */
  private async unrecordEndpoints(containerId: string, eps: StoredEndpoint[], ports: (p: PublishedPort) => boolean): Promise<Release> {
    const r: Release = { eps: [], nets: new Set(), portsGone: false };
    for (const ep of eps) {
      const net = this.networks.get(ep.networkId)!;
      delete net.endpoints[ep.endpointId];
      this.emit('disconnect', net, containerId);
      r.eps.push({ net, ep });
      r.nets.add(net);
    }
    if (eps.some((e) => e.defaultRoute)) {
      // Hand the default route to another non-internal network of the same container.
      const next = this.endpoints().find((e) => e.containerId === containerId && e.gateway);
      if (next) {
        next.defaultRoute = true;
        r.handoff = next;
        r.nets.add(this.networks.get(next.networkId)!);
      }
    }
    r.portsGone = await this.releasePorts((p) => p.containerId === containerId && ports(p));
    if (r.portsGone) await this.syncFirewall();
    return r;
  }

  /**
   * Second half, outside the queue (in order per container): links, resolver, route; then the
   * addresses and the records. A veth whose netns is gone (the container exited) is left to the
   * kernel, which removes it with the namespace (deleting it here waited ~30 ms for an RCU grace
   * period on every exit): the release returns at once, and the container's next network
   * operation (the disconnect at `rm`, a new start) waits, in the per-container order, until the
   * link is gone, deleting it itself should the namespace live on (a process of the container
   * outside its PID namespace).
   */
  private async finishRelease(containerId: string, r: Release): Promise<void> {
    const drop = (link: string) => deleteLink(link).catch((e: unknown) => this.log('warn', 'veth not deleted', { link, error: asBerthError(e).message }));
    const orphans = r.eps.filter(({ ep }) => !existsSync(ep.netnsPath)).map(({ ep }) => ep.hostIf);
    await Promise.all(r.eps.filter(({ ep }) => !orphans.includes(ep.hostIf)).map(({ ep }) => drop(ep.hostIf)));
    if (orphans.length > 0) {
      void this.perContainer.run(containerId, async () => { for (const l of await linksGone(orphans, LATE_LINK_MS)) await drop(l); });
    }
    if (r.eps.length > 0) await this.syncResolverRedirect(containerId, r.eps[0]!.ep.netnsPath).catch(() => undefined);
    if (r.handoff && existsSync(r.handoff.netnsPath)) {
      await setDefaultRoute(r.handoff.netnsPath, r.handoff.gateway, r.handoff.ifName).catch(() => undefined);
    }
    if (r.eps.length > 0) await this.queue.run(async () => { for (const { net, ep } of r.eps) release(net.ipam, ep.ipAddress); });
    // Written without fsync: were it lost (power loss), restore drops these endpoints again (their containers are gone).
    await Promise.all([...[...r.nets].map((n) => this.save(n, false)), ...(r.portsGone ? [this.savePorts(false)] : [])]);
  }

  /** Points the container's 127.0.0.11 at the resolver of its first DNS-enabled network (or nowhere). */
  private async syncResolverRedirect(containerId: string, netnsHint?: string): Promise<void> {
    if (this.opts.loopbackResolver === false) return;
    const want = this.nameserverFor(containerId);
    const have = this.redirected.get(containerId);
    if (want === have) return;
    const netns = this.endpoints().find((e) => e.containerId === containerId)?.netnsPath ?? netnsHint;
    if (want && netns) {
      this.redirected.set(containerId, UNKNOWN); // until the new one is known to hold
      await redirectResolver(netns, want, have !== undefined);
      this.redirected.set(containerId, want);
    } else {
      this.redirected.delete(containerId);
      if (netns && existsSync(netns)) await removeResolverRedirect(netns);
    }
  }

  /** Returns whether any port was released (the nft table then needs a rewrite; ports.json a save). */
  private async releasePorts(match: (p: PublishedPort) => boolean): Promise<boolean> {
    const gone = this.ports.filter(match);
    if (gone.length === 0) return false;
    this.ports = this.ports.filter((p) => !match(p));
    for (const p of gone) { await this.held.get(portKey(p))?.close(); this.held.delete(portKey(p)); }
    return true;
  }

  private async removeNetwork(net: NetworkRecord): Promise<void> {
    if (net.dns) await this.dns.close(net.ipam.gateway);
    await deleteLink(net.bridge);
    this.networks.delete(net.id);
    this.up.delete(net.id);
    this.emit('destroy', net);
    await this.writer.remove(this.recordPath(net.id));
    await this.syncFirewall();
  }

  private async teardownHost(): Promise<void> {
    for (const n of this.networks.values()) await deleteLink(n.bridge);
    this.up.clear();
    await deleteTable(this.names.table);
  }

  private async syncFirewall(): Promise<void> {
    const live = [...this.networks.values()].filter((n) => this.up.has(n.id));
    if (live.length === 0) {
      await deleteTable(this.names.table);
      return;
    }
    const render = (how: 'flush' | 'delete') => renderRuleset(this.names.table,
      live.map((n) => ({ bridge: n.bridge, subnet: n.ipam.subnet, internal: n.internal })), this.ports, how);
    await applyRuleset(render('flush')).catch(() => applyRuleset(render('delete')));
  }

  private dnsSource() {
    const byIp = (networkGateway: string, ip: string) => {
      const net = [...this.networks.values()].find((n) => n.ipam.gateway === networkGateway);
      const asker = net ? Object.values(net.endpoints).find((e) => e.ipAddress === ip) : undefined;
      return { net, asker };
    };
    // The asker sees names on every DNS-enabled network it is attached to (only the one asked when it is not one of ours).
    const visibleNetworks = (serverIp: string, askerIp: string): NetworkRecord[] => {
      const { net, asker } = byIp(serverIp, askerIp);
      if (!net) return [];
      const nets = asker
        ? this.endpoints().filter((e) => e.containerId === asker.containerId).map((e) => this.networks.get(e.networkId)!)
        : [net];
      return nets.filter((x) => x.dns);
    };
    return {
      lookup: (askerIp: string, serverIp: string, name: string): string[] | undefined => {
        const ips: string[] = [];
        for (const n of visibleNetworks(serverIp, askerIp)) {
          for (const e of Object.values(n.endpoints)) {
            if (e.dnsNames.some((d) => d.toLowerCase() === name)) ips.push(e.ipAddress);
          }
        }
        return ips.length ? ips : undefined;
      },
      reverse: (askerIp: string, serverIp: string, ip: string): string | undefined => {
        for (const n of visibleNetworks(serverIp, askerIp)) {
          const e = Object.values(n.endpoints).find((x) => x.ipAddress === ip);
          if (e) return `${e.containerName}.${n.name}`;
        }
        return undefined;
      },
      upstreamsFor: (askerIp: string, serverIp: string): string[] | undefined => byIp(serverIp, askerIp).asker?.upstreams,
      mayForward: (askerIp: string, serverIp: string): boolean => {
        const { net, asker } = byIp(serverIp, askerIp);
        if (!net) return false;
        if (!asker) return !net.internal;
        return this.endpoints().some((e) => e.containerId === asker.containerId && !this.networks.get(e.networkId)?.internal);
      },
    };
  }

  private emit(action: string, net: NetworkRecord, containerId?: string): void {
    this.opts.events?.publish('network', action, net.id, { name: net.name, type: net.driver, ...(containerId ? { container: containerId } : {}) });
  }

  private recordPath(id: string): string { return join(this.dir, 'networks', `${id}.json`); }
  /** On disk once this resolves (group commit: see record-writer.ts); a removed network is not written back. */
  private save(net: NetworkRecord, sync = true): Promise<void> {
    return this.writer.write(this.recordPath(net.id), () => (this.networks.get(net.id) === net ? this.persisted(net) : SKIP), sync);
  }

  private savePorts(sync = true): Promise<void> { return this.writer.write(join(this.dir, 'ports.json'), () => this.ports, sync); }

  /** The record as stored: endpoints being wired are in it (see connect). */
  private persisted(net: NetworkRecord): NetworkRecord {
    const wiring = [...this.pending.values()].filter((e) => e.networkId === net.id);
    if (wiring.length === 0) return net;
    return { ...net, endpoints: { ...net.endpoints, ...Object.fromEntries(wiring.map((e) => [e.endpointId, e])) } };
  }
}

/** What unrecordEndpoints hands to finishRelease. */
interface Release {
  eps: { net: NetworkRecord; ep: StoredEndpoint }[];
  /** records to save */
  nets: Set<NetworkRecord>;
  /** the endpoint that took over the default route */
  handoff?: StoredEndpoint;
  portsGone: boolean;
}

function firstFree(used: string[]): string {
  for (let i = 0; ; i++) if (!used.includes(`eth${i}`)) return `eth${i}`;
}

function toEndpointState(e: StoredEndpoint): EndpointState {
  return {
    networkId: e.networkId, networkName: e.networkName, endpointId: e.endpointId, ipAddress: e.ipAddress,
    prefixLen: e.prefixLen, gateway: e.gateway, macAddress: e.macAddress, aliases: [...e.aliases], dnsNames: [...e.dnsNames],
  };
}

function failedToPublish(containerId: string, network?: string): Error {
  return invalidArgument(network
    ? `container ${containerId.slice(0, 12)} is not connected to network ${network}`
    : `container ${containerId.slice(0, 12)} has no non-internal network to publish ports on`);
}

