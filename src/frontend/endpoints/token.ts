// POST /token (RFC 6749 §3.2): parse the body, check the grant type, read the client's authentication
// (secret or private_key_jwt), verify a DPoP proof when one came (RFC 9449 §5), and have the client's
// actor run the grant.
import { OAuthError, type Params, grants, readClientAuthentication, single, verifyDpopProof } from '../../oauth/index.js';
import { type FrontendContext, environmentFor, renderOptions } from '../context.js';
import { parseParams } from '../lib/body.js';
import { type Exchange, type Headers, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';

export const challenge = 'Basic realm="portcullis", charset="UTF-8"';

function checkGrantType(params: Params): void {
  const grantType = single(params, 'grant_type');
  if (grantType === undefined || grantType === '') throw new OAuthError('invalid_request', 'grant_type is required');
  if (!grants.has(grantType)) throw new OAuthError('unsupported_grant_type', `grant_type ${JSON.stringify(grantType.slice(0, 60))} is not supported`);
}

/** The absolute URL of an endpoint of this server, as clients reach it (assertion `aud`, DPoP `htu`). */
export function endpointUrl(ctx: FrontendContext, path: string): string {
  return `${ctx.config.issuer.replace(/\/+$/, '')}${path}`;
}

/** Verifies the DPoP proof, if any; the answer's nonce headers when nonces are in use. */
async function checkDpopProof(ex: Exchange, ctx: FrontendContext, headers: Headers): Promise<string | undefined> {
  const p = ctx.protocol;
  if (p?.requireNonce) headers['DPoP-Nonce'] = p.nonces.current();
  if (ex.info.dpop === undefined) return undefined;
  if (p === undefined) throw new OAuthError('invalid_dpop_proof', 'DPoP is not enabled on this server');
  try {
    const proof = await verifyDpopProof(
      ex.info.dpop,
      { method: 'POST', url: endpointUrl(ctx, '/token') },
      { replay: p.replay, nonces: p.nonces, requireNonce: p.requireNonce, maxAgeSec: p.dpopMaxAgeSec, keyCache: p.proofKeys },
    );
    return proof.jkt;
  } catch (err) {
    // RFC 9449 §8: the error carries the nonce to use.
    if (err instanceof OAuthError && err.error === 'use_dpop_nonce') {
      throw new OAuthError('use_dpop_nonce', err.description, { headers: { 'DPoP-Nonce': p.nonces.current() }, cause: err });
    }
    throw err;
  }
}

export function token(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'token', renderOptions(ctx, challenge), async (): Promise<Answer> => {
    const { params } = parseParams(ex.info.contentType, await body);
    checkGrantType(params);
    const creds = readClientAuthentication(ex.info.authorization, params, endpointUrl(ctx, '/token'));
    const headers: Headers = {};
    const jkt = await checkDpopProof(ex, ctx, headers);
    const res = await ctx.tokens.token(creds, params, environmentFor(ctx, ex.info), jkt);
    return { status: 200, body: res, headers };
  });
}
