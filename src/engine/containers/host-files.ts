// The per-container /etc/hosts, /etc/hostname and /etc/resolv.conf that get bind-mounted in.
// Networking (containers/networking.ts) adds the container's addresses and the embedded DNS.
import { readFile, writeFile } from 'node:fs/promises';

/** Docker's /etc/hosts without networks: localhost, the IPv6 names, the hostname on 127.0.1.1 (only
 * when the container has no address of its own: `ownAddresses` false), then --add-host entries. */
export function baseHostsLines(hostname: string, extraHosts: string[], ownAddresses = false): string[] {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    ...(ownAddresses ? [] : [`127.0.1.1\t${hostname}`]),
    ...extraHosts.map((h) => { const i = h.indexOf(':'); return `${h.slice(i + 1)}\t${h.slice(0, i)}`; }),
  ];
}

export async function writeHostFiles(paths: { hostsPath: string; hostnamePath: string; resolvConfPath: string }, hostname: string, extraHosts: string[], dns: string[], dnsSearch: string[], dnsOptions: string[]): Promise<void> {
  await writeFile(paths.hostsPath, `${baseHostsLines(hostname, extraHosts).join('\n')}\n`);
  await writeFile(paths.hostnamePath, `${hostname}\n`);
  let resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (dns.length || dnsSearch.length || dnsOptions.length) {
    const kept = resolv.split('\n').filter((l) => !(dns.length && l.startsWith('nameserver')) && !(dnsSearch.length && /^(search|domain)\b/.test(l)) && !(dnsOptions.length && l.startsWith('options')));
    resolv = [...kept, ...dns.map((d) => `nameserver ${d}`), ...(dnsSearch.length ? [`search ${dnsSearch.join(' ')}`] : []), ...(dnsOptions.length ? [`options ${dnsOptions.join(' ')}`] : [])].filter(Boolean).join('\n') + '\n';
  }
  await writeFile(paths.resolvConfPath, resolv);
}
