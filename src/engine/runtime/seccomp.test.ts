import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSeccomp, seccompFor, type DockerSeccompProfile } from './seccomp.js';

const profile: DockerSeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38,
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
  syscalls: [
    { names: ['read'], action: 'SCMP_ACT_ALLOW' },
    { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN'] }, args: [{ index: 0, value: 1, op: 'SCMP_CMP_MASKED_EQ' }] },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
    { names: ['future'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '99.0' } },
  ],
};

test('rules are kept by capability, architecture and kernel as Docker resolves them', () => {
  const plain = resolveSeccomp(profile, ['CAP_CHOWN'], 'x64') as { architectures: string[]; syscalls: { names: string[] }[] };
  assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(plain.syscalls.map((s) => s.names[0]), ['read', 'clone', 'arch_prctl']);
  const admin = resolveSeccomp(profile, ['CAP_SYS_ADMIN'], 'arm64') as { syscalls: { names: string[] }[] };
  assert.deepEqual(admin.syscalls.map((s) => s.names[0]), ['read', 'mount']);
});

test('privileged and unconfined mean no filter; a JSON profile is used as given', () => {
  assert.equal(seccompFor({ privileged: true, securityOpt: [], caps: [] }), undefined);
  assert.equal(seccompFor({ privileged: false, securityOpt: ['seccomp=unconfined'], caps: [] }), undefined);
  const custom = seccompFor({ privileged: false, securityOpt: [`seccomp=${JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' })}`], caps: [] });
  assert.equal(custom?.defaultAction, 'SCMP_ACT_ALLOW');
  assert.throws(() => seccompFor({ privileged: false, securityOpt: ['seccomp=/no/such/file'], caps: [] }), /opening seccomp profile/);
});
