// /networks: list, inspect, create, remove, prune over the engine's NetworkService, in the Engine
// API's JSON shapes (NetworkResource). Only the bridge driver exists; `bridge` is Docker's default.
import { conflict, invalidArgument, notImplemented } from '../../../common/errors.js';
import type { NetworkRecord } from '../../../engine/network/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty, sendJson } from '../http.js';
import { matchLabels, parseFilters } from '../wire/filters.js';

const LIST_FILTERS = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'] as const;
const PREDEFINED = new Set(['bridge', 'host', 'none']);

function networkJson(n: NetworkRecord, withContainers: boolean): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  if (withContainers) {
    for (const e of Object.values(n.endpoints)) {
      containers[e.containerId] = { Name: e.containerName, EndpointID: e.endpointId, MacAddress: e.macAddress, IPv4Address: `${e.ipAddress}/${e.prefixLen}`, IPv6Address: '' };
    }
  }
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: 'local', Driver: n.driver, EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: n.ipam.subnet, Gateway: n.ipam.gateway, ...(n.ipam.ipRange ? { IPRange: n.ipam.ipRange } : {}) }] },
    Internal: n.internal, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers, Options: n.options, Labels: n.labels,
  };
}

export async function listNetworks(ctx: Ctx): Promise<void> {
  const f = parseFilters(ctx.query.str('filters'), LIST_FILTERS);
  const out = ctx.engine.networks.list().filter((n) =>
    (!f.get('name') || f.get('name')!.some((v) => n.name.includes(v)))
    && (!f.get('id') || f.get('id')!.some((v) => n.id.startsWith(v)))
    && (!f.get('driver') || f.get('driver')!.includes(n.driver))
    && (!f.get('type') || f.get('type')!.includes(n.name === 'bridge' ? 'builtin' : 'custom'))
    && (!f.get('dangling') || f.get('dangling')!.includes(String(Object.keys(n.endpoints).length === 0 && n.name !== 'bridge')))
    && matchLabels(n.labels, f.get('label')));
  sendJson(ctx.res, 200, out.map((n) => networkJson(n, false)));
}

export async function inspectNetwork(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, networkJson(ctx.engine.networks.get(ctx.params.id ?? ''), true));
}

interface CreateBody {
  Name?: string; Driver?: string; Internal?: boolean; EnableIPv6?: boolean; Attachable?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null } | null;
  Options?: Record<string, string> | null; Labels?: Record<string, string> | null;
}

export async function createNetwork(ctx: Ctx): Promise<void> {
  const b = await ctx.json<CreateBody>();
  if (!b.Name) throw invalidArgument('network name is required');
  if (PREDEFINED.has(b.Name)) throw conflict(`operation is not permitted on predefined ${b.Name} network`);
  if (b.EnableIPv6) throw invalidArgument('IPv6 networks are not supported by berth yet');
  const cfg = b.IPAM?.Config ?? [];
  if (cfg.length > 1) throw invalidArgument('only one IPAM config (IPv4) is supported');
  const existing = ctx.engine.networks.list().find((n) => n.name === b.Name);
  if (existing) throw conflict(`network with name ${b.Name} already exists`);
  const n = await ctx.engine.networks.create({
    name: b.Name, driver: b.Driver || undefined, internal: !!b.Internal, labels: b.Labels ?? {}, options: b.Options ?? {},
    subnet: cfg[0]?.Subnet || undefined, gateway: cfg[0]?.Gateway || undefined, ipRange: cfg[0]?.IPRange || undefined,
  });
  sendJson(ctx.res, 201, { Id: n.id, Warning: '' });
}

export async function removeNetwork(ctx: Ctx): Promise<void> {
  const n = ctx.engine.networks.get(ctx.params.id ?? '');
  if (PREDEFINED.has(n.name)) throw conflict(`${n.name} is a pre-defined network and cannot be removed`);
  await ctx.engine.networks.remove(n.id);
  sendEmpty(ctx.res, 204);
}

export async function pruneNetworks(ctx: Ctx): Promise<void> {
  const f = parseFilters(ctx.query.str('filters'), ['label', 'label!', 'until']);
  const deleted: string[] = [];
  for (const n of ctx.engine.networks.list()) {
    if (PREDEFINED.has(n.name) || Object.keys(n.endpoints).length > 0 || !matchLabels(n.labels, f.get('label'))) continue;
    if (f.get('label!')?.some((l) => matchLabels(n.labels, [l]))) continue;
    try { await ctx.engine.networks.remove(n.id); deleted.push(n.name); } catch { /* gained an endpoint meanwhile */ }
  }
  sendJson(ctx.res, 200, { NetworksDeleted: deleted.length ? deleted : null });
}

interface ConnectBody { Container?: string; EndpointConfig?: { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null; MacAddress?: string } | null; Force?: boolean }

export async function connectNetwork(ctx: Ctx): Promise<void> {
  const b = await ctx.json<ConnectBody>();
  if (!b.Container) throw invalidArgument('container is required');
  const c = ctx.engine.containers;
  if (!c.connectNetwork) throw notImplemented('network connect is not implemented by this engine');
  const e = b.EndpointConfig ?? {};
  await c.connectNetwork(b.Container, ctx.params.id ?? '', { aliases: e.Aliases ?? [], ipv4Address: e.IPAMConfig?.IPv4Address || undefined, macAddress: e.MacAddress || undefined });
  sendEmpty(ctx.res, 200);
}

export async function disconnectNetwork(ctx: Ctx): Promise<void> {
  const b = await ctx.json<ConnectBody>();
  if (!b.Container) throw invalidArgument('container is required');
  const c = ctx.engine.containers;
  if (!c.disconnectNetwork) throw notImplemented('network disconnect is not implemented by this engine');
  await c.disconnectNetwork(b.Container, ctx.params.id ?? '');
  sendEmpty(ctx.res, 200);
}
