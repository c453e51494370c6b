// GET /.well-known/oauth-authorization-server (RFC 8414 §3): the server's metadata, built once.
import { clientAuthMethods, defaultAssertionAlgorithms, defaultDpopAlgorithms, grantTypesSupported } from '../../oauth/index.js';
import type { FrontendContext } from '../context.js';
import { type Exchange, send } from '../lib/http.js';

export function metadataDocument(issuer: string): Record<string, unknown> {
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    token_endpoint: `${base}/token`,
    introspection_endpoint: `${base}/introspect`,
    revocation_endpoint: `${base}/revoke`,
    registration_endpoint: `${base}/register`,
    jwks_uri: `${base}/jwks`,
    grant_types_supported: grantTypesSupported,
    response_types_supported: [],
    token_endpoint_auth_methods_supported: clientAuthMethods,
    token_endpoint_auth_signing_alg_values_supported: defaultAssertionAlgorithms,
    introspection_endpoint_auth_methods_supported: clientAuthMethods,
    introspection_endpoint_auth_signing_alg_values_supported: defaultAssertionAlgorithms,
    revocation_endpoint_auth_methods_supported: clientAuthMethods,
    revocation_endpoint_auth_signing_alg_values_supported: defaultAssertionAlgorithms,
    dpop_signing_alg_values_supported: defaultDpopAlgorithms,
    client_id_metadata_document_supported: true,
  };
}

export function metadata(ctx: FrontendContext): (ex: Exchange) => void {
  const body = JSON.stringify(metadataDocument(ctx.config.issuer));
  return (ex) => {
    send(ex, 200, body, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' });
    ctx.metrics.done('metadata', '200', (performance.now() - ex.info.t0) / 1000);
  };
}

/** GET /jwks: the server's public keys. Tokens are opaque, so there are none yet. */
export function jwks(ctx: FrontendContext): (ex: Exchange) => void {
  const body = JSON.stringify({ keys: [] });
  return (ex) => {
    send(ex, 200, body, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300' });
    ctx.metrics.done('jwks', '200', (performance.now() - ex.info.t0) / 1000);
  };
}
