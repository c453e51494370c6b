// Keys, assertions, software statements and DPoP proofs made by jose for the issue 6 end-to-end tests,
// and a loopback HTTP server standing in for jwks_uri and Client ID Metadata Document hosts.
import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, type KeyLike, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

export interface KeyPair {
  privateKey: KeyLike;
  jwk: JWK;
  kid: string;
}

export async function keyPair(alg = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = randomUUID();
  return { privateKey, jwk: { ...jwk, kid, alg, use: 'sig' }, kid };
}

/** A private_key_jwt assertion (RFC 7523 §3). */
export function clientAssertion(k: KeyPair, clientId: string, aud: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: k.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(k.privateKey);
}

export function softwareStatement(k: KeyPair, iss: string, claims: Record<string, unknown>, exp: number | string = '1h'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setIssuer(iss).setIssuedAt(Math.floor(Date.now() / 1000) - 10).setExpirationTime(exp).sign(k.privateKey);
}

/** A DPoP proof (RFC 9449 §4.2). */
export function dpopProof(k: KeyPair, htm: string, htu: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { kid: _, alg: __, use: ___, ...jwk } = k.jwk;
  return new SignJWT({ jti: randomUUID(), htm, htu, ...extra }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(k.privateKey);
}

export async function thumbprint(k: KeyPair): Promise<string> {
  const { kid: _, alg: __, use: ___, ...jwk } = k.jwk;
  return calculateJwkThumbprint(jwk);
}

export interface DocServer {
  url: string;
  /** Serves `body` (JSON unless a string) at `path`, with `status` and after `delayMs` when given. */
  serve(path: string, body: unknown, headers?: Record<string, string>, opts?: { status?: number; delayMs?: number }): void;
  close(): Promise<void>;
}

export async function startDocServer(): Promise<DocServer> {
  const docs = new Map<string, { body: string; headers: Record<string, string>; status: number; delayMs: number }>();
  const server: Server = createServer((req, res) => {
    const d = docs.get(req.url ?? '');
    if (!d) {
      res.writeHead(404).end();
      return;
    }
    const send = (): void => {
      if (!res.destroyed) res.writeHead(d.status, { 'Content-Type': 'application/json', ...d.headers }).end(d.body);
    };
    if (d.delayMs > 0) setTimeout(send, d.delayMs).unref();
    else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve(path, body, headers = {}, opts = {}) {
      docs.set(path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers, status: opts.status ?? 200, delayMs: opts.delayMs ?? 0 });
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
