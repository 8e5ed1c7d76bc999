// The network service's own vocabulary: networks as berthd stores them, the options they are
// created with, published ports. EndpointState (what a container holds) lives in ../types.ts.
import type { EndpointState } from '../types.js';
import type { EventBus } from '../events/bus.js';

export type NetworkDriver = 'bridge';

export interface NetworkCreateOptions {
  name: string;
  driver?: string;
  /** "a.b.c.d/len"; chosen from the daemon's pool when absent. */
  subnet?: string;
  gateway?: string;
  /** Addresses for endpoints come only from this range (inside the subnet). */
  ipRange?: string;
  internal?: boolean;
  labels?: Record<string, string>;
  /** com.docker.network.bridge.name, com.docker.network.driver.mtu, ... */
  options?: Record<string, string>;
  /** Embedded DNS answers names on this network (user-defined networks; not Docker's default bridge). */
  dns?: boolean;
}

export interface NetworkIpamState {
  subnet: string;
  gateway: string;
  ipRange?: string;
  /** address → endpoint id (or "reserved:<why>") */
  allocated: Record<string, string>;
  /** Last address handed out: allocation continues after it, so a freed address is not reused at once. */
  last: string;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: NetworkDriver;
  created: string;
  internal: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  bridge: string;
  mtu: number;
  dns: boolean;
  ipam: NetworkIpamState;
  /** endpoint id → endpoint (with the container and the netns it lives in) */
  endpoints: Record<string, StoredEndpoint>;
}

export interface StoredEndpoint extends EndpointState {
  containerId: string;
  containerName: string;
  netnsPath: string;
  /** Interface name inside the container (eth0, eth1, ...). */
  ifName: string;
  /** Host end of the veth pair. */
  hostIf: string;
  /** This endpoint's gateway is the container's default route. */
  defaultRoute: boolean;
  /** `--dns` servers of the container, when given */
  upstreams?: string[];
}

export interface ConnectOptions {
  /** Name DNS answers for (without leading slash). */
  containerName: string;
  aliases?: string[];
  ipv4Address?: string;
  macAddress?: string;
  /** `--dns`: the upstreams the embedded resolver uses for this container's other names (default: the daemon's). */
  dns?: string[];
}

export type PortProto = 'tcp' | 'udp';

/** One published port as asked: "-p [ip:]host:container[/proto]" after range expansion. */
export interface PortRequest {
  hostIp: string;
  /** 0: ephemeral */
  hostPort: number;
  containerPort: number;
  proto: PortProto;
}

/** One published port as bound: hostPort is never 0. */
export interface PublishedPort extends PortRequest {
  containerId: string;
  containerIp: string;
  networkId: string;
}

export interface NetworkServiceOptions {
  dataRoot: string;
  /** Upstream resolvers for names the embedded DNS does not know; default: /etc/resolv.conf's. */
  dnsUpstreams?: string[];
  /** Pool subnets are carved from (default 172.20.0.0/14 in /24s) and the size of each. */
  pool?: { base: string; size: number };
  /**
   * Serve DNS to containers at 127.0.0.11 as Docker does (a DNAT in each container's netns, ~20 ms
   * per container start, mostly the kernel setting up NAT in a fresh netns). false: resolv.conf names
   * the gateway address instead, no per-container rule. Default true.
   */
  loopbackResolver?: boolean;
  /** Docker's network events (create, destroy, connect, disconnect) go here when given. */
  events?: EventBus;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}
