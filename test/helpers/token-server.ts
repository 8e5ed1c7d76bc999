// A real bearer-token server for registry tests (Docker's token authentication spec): node http on
// 127.0.0.1 that checks basic credentials and answers `GET /token?service=…&scope=…` with a JWT
// (RS256) granting the actions its policy allows, signed by a key whose self-signed certificate
// (made here with openssl) is the registry's `rootcertbundle`; the certificate travels in the
// token's `x5c` header, which distribution verifies against that bundle.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenScope { type: string; name: string; actions: string[] }

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** The certificate (PEM) the registry trusts. */
  certFile: string;
  /** Every token request: who asked (undefined: anonymous) and for which scopes. */
  requests: { user?: string; scopes: string[] }[];
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  users: Record<string, string>;
  /** The actions `user` (undefined: anonymous) gets on a requested scope. */
  grant(user: string | undefined, scope: TokenScope): string[];
}

export function opensslAvailable(): string | null {
  try { execFileSync('which', ['openssl'], { stdio: 'ignore' }); return null; } catch { return 'openssl is not installed (apt-get install openssl)'; }
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function jwt(key: KeyObject, certDer: string, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

/** `repository:team/app:pull,push` → its parts (names may hold ':' only before the last one). */
function parseScope(s: string): TokenScope | undefined {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',').filter(Boolean) };
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=berth-test-token-issuer'], { stdio: 'ignore' });
  const key = createPrivateKey(readFileSync(keyFile));
  const certDer = readFileSync(certFile, 'utf8').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const issuer = 'berth-test-issuer';
  const service = 'berth-test-registry';
  const requests: TokenServer['requests'] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token' || req.method !== 'GET') { res.writeHead(404).end(); return; }
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const plain = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      const [name, password] = [plain.slice(0, colon), plain.slice(colon + 1)];
      if (colon < 0 || opts.users[name] === undefined || opts.users[name] !== password) {
        // As Docker Hub's token server answers a bad login.
        res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="berth-test-token"' });
        res.end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      user = name;
    }
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    requests.push({ user, scopes });
    const access = scopes.map(parseScope).filter((s): s is TokenScope => s !== undefined)
      .map((s) => ({ type: s.type, name: s.name, actions: s.actions.filter((a) => opts.grant(user, s).includes(a)) }))
      .filter((s) => s.actions.length > 0);
    const now = Math.floor(Date.now() / 1000);
    const token = jwt(key, certDer, {
      iss: issuer, sub: user ?? '', aud: url.searchParams.get('service') ?? service,
      exp: now + 300, nbf: now - 60, iat: now, jti: randomBytes(8).toString('hex'), access,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile, requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
