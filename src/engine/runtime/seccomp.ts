// Docker's default seccomp policy, from the profile Debian ships in golang-github-containers-common
// (/usr/share/containers/seccomp.json). That file is in Docker's format, not OCI's: each rule may be
// conditioned on capabilities, architectures and a minimum kernel, resolved here per container.
import { readFileSync, existsSync } from 'node:fs';
import { release } from 'node:os';
import { invalidArgument } from '../../common/errors.js';

export const DEFAULT_PROFILE_PATHS = ['/usr/share/containers/seccomp.json', '/etc/containers/seccomp.json'];

interface DockerSyscallRule {
  names?: string[]; name?: string; action: string; errnoRet?: number;
  args?: { index: number; value: number; valueTwo?: number; op: string }[] | null;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string };
}
export interface DockerSeccompProfile {
  defaultAction: string; defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  architectures?: string[];
  syscalls?: DockerSyscallRule[];
}

let cached: DockerSeccompProfile | null | undefined;

/** Debian's copy of Docker's default profile, or null when the package is not installed. */
export function defaultProfile(): DockerSeccompProfile | null {
  if (cached !== undefined) return cached;
  const path = DEFAULT_PROFILE_PATHS.find((p) => existsSync(p));
  cached = path ? (JSON.parse(readFileSync(path, 'utf8')) as DockerSeccompProfile) : null;
  return cached;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
const SCMP_NATIVE: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM', '386': 'SCMP_ARCH_X86', ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64' };

function kernelAtLeast(min: string): boolean {
  const parse = (v: string) => v.split(/[.-]/).slice(0, 2).map((x) => Number.parseInt(x, 10) || 0);
  const [a, b] = parse(release());
  const [c, d] = parse(min);
  return a > c || (a === c && b >= d);
}

/** The OCI `linux.seccomp` object for a process with capabilities `caps` on this host's architecture. */
export function resolveSeccomp(profile: DockerSeccompProfile, caps: string[], nodeArch: string = process.arch): Record<string, unknown> {
  const arch = GO_ARCH[nodeArch] ?? nodeArch;
  const native = SCMP_NATIVE[arch];
  let architectures = profile.architectures ?? [];
  const mapped = profile.archMap?.find((m) => m.architecture === native);
  if (mapped) architectures = [mapped.architecture, ...(mapped.subArchitectures ?? [])];
  const syscalls: Record<string, unknown>[] = [];
  for (const rule of profile.syscalls ?? []) {
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (exc.caps?.some((c) => caps.includes(c))) continue;
    if (exc.arches?.includes(arch)) continue;
    if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) continue;
    if (inc.arches?.length && !inc.arches.includes(arch)) continue;
    if (inc.minKernel && !kernelAtLeast(inc.minKernel)) continue;
    const names = rule.names ?? (rule.name ? [rule.name] : []);
    if (!names.length) continue;
    syscalls.push({
      names, action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args?.length ? { args: rule.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo ?? 0, op: a.op })) } : {}),
    });
  }
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures,
    syscalls,
  };
}

/**
 * The seccomp config for a container: none when privileged or `seccomp=unconfined`, the given
 * profile (Docker's CLI sends its JSON content) or Debian's default. undefined: no filter.
 */
export function seccompFor(opts: { privileged: boolean; securityOpt: string[]; caps: string[] }): Record<string, unknown> | undefined {
  const opt = opts.securityOpt.map((o) => /^seccomp[=:](.*)$/s.exec(o)?.[1]).find((v) => v !== undefined);
  if (opts.privileged && opt === undefined) return undefined;
  if (opt === 'unconfined') return undefined;
  let profile: DockerSeccompProfile | null;
  if (opt !== undefined && opt !== 'builtin' && opt !== 'default') {
    try {
      profile = JSON.parse(opt.trim().startsWith('{') ? opt : readFileSync(opt, 'utf8')) as DockerSeccompProfile;
    } catch (e) {
      throw invalidArgument(`opening seccomp profile (${opt.slice(0, 60)}) failed: ${(e as Error).message}`);
    }
  } else {
    profile = defaultProfile();
  }
  return profile ? resolveSeccomp(profile, opts.caps) : undefined;
}
