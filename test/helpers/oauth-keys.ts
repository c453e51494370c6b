// Real keys and JWTs made by jose for the issue-6 protocol tests (DPoP proofs, client assertions,
// software statements), and a loopback HTTP server that serves what a test tells it to.
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type JWK, type JWTPayload, type KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface TestKey {
  alg: string;
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function makeKey(alg = 'ES256', kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk = await exportJWK(privateKey);
  return { alg, kid, privateKey, publicJwk, privateJwk };
}

export interface ProofOptions {
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string;
  nonce?: string;
  ath?: string;
  typ?: string;
  alg?: string;
  /** Replaces the header jwk (undefined value: leave it out). */
  jwk?: JWK | null;
  /** Claims to drop. */
  omit?: string[];
  extra?: Record<string, unknown>;
}

/** A DPoP proof (RFC 9449 §4.2) signed with `key`. */
export async function dpopProof(key: TestKey, o: ProofOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: o.jti ?? randomUUID(),
    htm: o.htm ?? 'POST',
    htu: o.htu ?? 'https://as.example/token',
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...o.extra,
  };
  if (o.nonce !== undefined) claims.nonce = o.nonce;
  if (o.ath !== undefined) claims.ath = o.ath;
  for (const k of o.omit ?? []) delete claims[k];
  const header: Record<string, unknown> = { typ: o.typ ?? 'dpop+jwt', alg: o.alg ?? key.alg };
  const { kid: _k, alg: _a, use: _u, ...jwk } = key.publicJwk;
  if (o.jwk !== null) header.jwk = o.jwk ?? jwk;
  if (o.typ === '') delete header.typ;
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** A private_key_jwt client assertion (RFC 7523 §3) for `clientId`, with claims overridable or omitted. */
export async function clientAssertion(
  key: TestKey,
  clientId: string,
  aud: string | string[],
  o: { claims?: Record<string, unknown>; omit?: string[]; kid?: string | null; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud, exp: now + 60, iat: now, jti: randomUUID(), ...o.claims };
  for (const k of o.omit ?? []) delete claims[k];
  const header: Record<string, unknown> = { alg: o.alg ?? key.alg };
  if (o.kid !== null) header.kid = o.kid ?? key.kid;
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** A software statement (RFC 7591 §2.3) from `iss`. */
export async function softwareStatement(key: TestKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests per path. */
  hits: Map<string, number>;
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port; unrouted paths answer 404. */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/\?.*$/, '');
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = routes.get(path);
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route answering JSON with optional extra headers. */
export function json(value: unknown, headers: Record<string, string> = {}): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  };
}
