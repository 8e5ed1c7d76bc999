// IPv4 address and CIDR arithmetic on unsigned 32-bit integers.
import { invalidArgument } from '../../common/errors.js';

export interface Cidr { base: number; len: number }

export function parseIp(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) throw invalidArgument(`invalid IPv4 address: ${s}`);
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) throw invalidArgument(`invalid IPv4 address: ${s}`);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** "a.b.c.d/len", normalised to its network address. */
export function parseCidr(s: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw invalidArgument(`invalid CIDR: ${s} (expected a.b.c.d/len)`);
  const len = Number(m[2]);
  return { base: (parseIp(m[1]!) & maskOf(len)) >>> 0, len };
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.base)}/${c.len}`;
export const cidrSize = (c: Cidr): number => 2 ** (32 - c.len);
export const cidrLast = (c: Cidr): number => (c.base + cidrSize(c) - 1) >>> 0;
export const contains = (c: Cidr, ip: number): boolean => ((ip & maskOf(c.len)) >>> 0) === c.base;
export const overlaps = (a: Cidr, b: Cidr): boolean => contains(a, b.base) || contains(b, a.base);

/** A locally administered MAC derived from the address, as Docker does (02:42:<ip>). */
export function macForIp(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
