// ResourceLimits → the OCI LinuxResources object (shared by config.json and `runtime update`).
import type { ResourceLimits } from '../types.js';

export function ociResources(res: ResourceLimits): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const memory: Record<string, unknown> = {};
  if (res.memory) memory.limit = res.memory;
  if (res.memorySwap) memory.swap = res.memorySwap;
  if (res.memoryReservation) memory.reservation = res.memoryReservation;
  if (res.oomKillDisable) memory.disableOOMKiller = true;
  const cpu: Record<string, unknown> = {};
  if (res.nanoCpus) { cpu.period = 100000; cpu.quota = Math.round((res.nanoCpus * 100000) / 1e9); }
  if (res.cpuQuota) cpu.quota = res.cpuQuota;
  if (res.cpuPeriod) cpu.period = res.cpuPeriod;
  if (res.cpuShares) cpu.shares = res.cpuShares;
  if (res.cpusetCpus) cpu.cpus = res.cpusetCpus;
  if (Object.keys(memory).length) out.memory = memory;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (res.pidsLimit && res.pidsLimit > 0) out.pids = { limit: res.pidsLimit };
  return out;
}
