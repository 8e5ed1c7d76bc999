// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"
//   Basic realm="Registry Realm"
export interface Challenge { scheme: string; params: Record<string, string> }

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const out: Challenge[] = [];
  for (const h of Array.isArray(header) ? header : [header]) {
    let rest = h.trim();
    while (rest) {
      const scheme = /^([A-Za-z][A-Za-z0-9._-]*)\s*/.exec(rest);
      if (!scheme) break;
      rest = rest.slice(scheme[0].length);
      const params: Record<string, string> = {};
      // key="quoted \" value" | key=token, separated by commas; a new scheme starts without '='.
      for (;;) {
        const m = /^([A-Za-z0-9._-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/.exec(rest);
        if (!m) break;
        params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
        rest = rest.slice(m[0].length);
      }
      out.push({ scheme: scheme[1].toLowerCase(), params });
      rest = rest.replace(/^,\s*/, '');
    }
  }
  return out;
}
