// The peer for `npm run bench`: node-oidc-provider configured like Portcullis's token path
// (client_credentials, client_secret_basic, opaque tokens, RFC 7662 introspection, in-memory store).
// Run as its own process: `node --import tsx bench/peer/server.ts <port> <clients.json>`; prints
// `listening <url>` on stdout when ready.
import { readFileSync } from 'node:fs';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

export interface PeerClient {
  client_id: string;
  client_secret: string;
  scope: string;
}

const port = Number(process.argv[2] ?? '0');
const clients = JSON.parse(readFileSync(process.argv[3] ?? '', 'utf8')) as PeerClient[];
const issuer = `http://127.0.0.1:${port}`;

// One signing key so the provider does not fall back to (and warn about) its development keys;
// opaque tokens never use it on the measured paths.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: c.scope,
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  scopes: [...new Set(clients.flatMap((c) => c.scope.split(' ')))],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // Portcullis lets any authenticated resource server introspect a token bound to it; the peer's
      // equivalent is any confidential client.
      allowedPolicy: async (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod !== 'none',
    },
    revocation: { enabled: true },
    // RFC 9449: a DPoP proof at /token binds the token (`npm run bench -- token --dpop`).
    dPoP: { enabled: true },
  },
  ttl: { ClientCredentials: 600 },
});
provider.on('server_error', (_ctx: unknown, err: Error) => console.error('peer server_error', err));

const server = provider.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  console.log(`listening http://127.0.0.1:${actual}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
