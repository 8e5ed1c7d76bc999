// What one endpoint needs on the host and in the container's netns: the veth pair with its address
// and routes (links.ts) and, when the container's 127.0.0.11 must point at a new resolver, the
// redirect (netns-dns.ts). With the tool helper both are one request (the veth over rtnetlink, then
// one nft process in the netns); without it, two `ip` runs beside the redirect's nsenter.
import { attachVeth, deleteLink, type VethPlan } from './links.js';
import { redirectResolver, resolverRun } from './netns-dns.js';
import { toolAgent } from '../host/tool-agent.js';

export interface ResolverPlan {
  /** where 127.0.0.11 goes: the gateway of the container's first DNS-enabled network */
  gateway: string;
  /** the netns may hold an older redirect (see resolverRuleset) */
  replace: boolean;
}

/** All or nothing for the veth: on failure the host end is gone again (the redirect may stay; the caller knows). */
export async function wireEndpoint(veth: VethPlan, resolver?: ResolverPlan): Promise<void> {
  if (toolAgent().available) return attachVeth(veth, resolver ? resolverRun(resolver.gateway, resolver.replace) : undefined);
  const [links, dns] = await Promise.allSettled([
    attachVeth(veth),
    resolver ? redirectResolver(veth.netnsPath, resolver.gateway, resolver.replace) : Promise.resolve(),
  ]);
  if (links.status === 'rejected') throw links.reason; // attachVeth removed its own link
  if (dns.status === 'rejected') {
    await deleteLink(veth.hostIf);
    throw dns.reason;
  }
}
