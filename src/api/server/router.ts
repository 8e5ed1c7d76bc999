// A tiny method + path router. ":name" matches one path segment, ":name*" the rest of the path
// (image references contain slashes: /images/library/busybox:latest/json).
import type { Handler } from './context.js';

interface Route { method: string; pattern: string; regex: RegExp; keys: string[]; handler: Handler }

export interface RouteMatch { handler: Handler; params: Record<string, string>; pattern: string }

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        const m = /^:([A-Za-z_]+)(\*)?$/.exec(seg);
        if (!m) return seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
        keys.push(m[1]);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  get(p: string, h: Handler) { return this.add('GET', p, h); }
  head(p: string, h: Handler) { return this.add('HEAD', p, h); }
  post(p: string, h: Handler) { return this.add('POST', p, h); }
  put(p: string, h: Handler) { return this.add('PUT', p, h); }
  delete(p: string, h: Handler) { return this.add('DELETE', p, h); }

  /** First route in registration order wins, so specific paths go before greedy ones. */
  match(method: string, path: string): RouteMatch | null {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => { params[k] = safeDecode(m[i + 1]); });
      return { handler: r.handler, params, pattern: r.pattern };
    }
    return null;
  }

  /** Every registered route, for the docs table and tests. */
  list(): { method: string; pattern: string }[] {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
