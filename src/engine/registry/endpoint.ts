// Where a registry host name leads: Docker Hub's API host, https first, plain http only for
// loopback registries and those named with --insecure-registry (as Docker decides).
import { isIP } from 'node:net';
import { DEFAULT_DOMAIN } from '../images/reference.js';

export const HUB_API_HOST = 'registry-1.docker.io';
export const HUB_INDEX = 'https://index.docker.io/v1/';

export interface EndpointPolicy {
  /** host[:port] names and CIDRs (IPv4) given with --insecure-registry. */
  insecureRegistries: string[];
}

export function apiHost(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === 'index.docker.io' ? HUB_API_HOST : domain;
}

function hostOnly(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const i = hostPort.lastIndexOf(':');
  return i > 0 && hostPort.indexOf(':') === i ? hostPort.slice(0, i) : hostPort;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => (a << 8) + Number(p), 0) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsRaw] = cidr.split('/');
  const bits = Number(bitsRaw);
  if (isIP(net) !== 4 || isIP(ip) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(net) & mask) === (ipv4ToInt(ip) & mask);
}

/** Whether plain http (and unverified TLS) may be used for this registry. */
export function isInsecure(hostPort: string, policy: EndpointPolicy): boolean {
  const host = hostOnly(hostPort).toLowerCase();
  if (host === 'localhost' || host === '::1' || inCidr(host, '127.0.0.0/8')) return true;
  for (const entry of policy.insecureRegistries) {
    const e = entry.toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (e === hostPort.toLowerCase() || (e.includes('/') && inCidr(host, e))) return true;
  }
  return false;
}

/** Validates one --insecure-registry value as dockerd does (no scheme, no path). */
export function checkInsecureEntry(entry: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(entry)) return `insecure registry ${entry} should not contain 'http://' or 'https://'`;
  if (entry.includes('/') && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(entry)) return `insecure registry ${entry} is not valid: use host[:port] or an IPv4 CIDR`;
  return undefined;
}
