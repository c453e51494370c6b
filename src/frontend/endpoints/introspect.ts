// POST /introspect (RFC 7662): the resource server authenticates as its client and may send its
// transaction context (`rs_context`), which policy sees at the introspect phase, and the DPoP proof it
// received with the token (`dpop_proof`, with `dpop_htm` and `dpop_htu` of its request) for Portcullis
// to check against the token's key binding (RFC 9449 §7).
import { OAuthError, type Params, inactive, readClientAuthentication, readIntrospectionRequest, single } from '../../oauth/index.js';
import type { RsDpopProof } from '../../actors/index.js';
import { type FrontendContext, environmentFor, renderOptions } from '../context.js';
import { parseParams } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';
import { challenge, endpointUrl } from './token.js';

function readRsProof(params: Params): RsDpopProof | undefined {
  const proof = single(params, 'dpop_proof');
  if (proof === undefined) return undefined;
  const method = single(params, 'dpop_htm');
  const url = single(params, 'dpop_htu');
  if (method === undefined || !/^[A-Z]{1,16}$/.test(method)) throw new OAuthError('invalid_request', 'dpop_htm (the method of the request the proof came with) is required with dpop_proof');
  if (url === undefined || url === '' || url.length > 4096) throw new OAuthError('invalid_request', 'dpop_htu (the URL of the request the proof came with) is required with dpop_proof');
  return { proof, method, url };
}

export function introspect(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'introspect', renderOptions(ctx, challenge), async (): Promise<Answer> => {
    const { params, objects } = parseParams(ex.info.contentType, await body, ['rs_context']);
    const creds = readClientAuthentication(ex.info.authorization, params, endpointUrl(ctx, '/introspect'));
    const req = readIntrospectionRequest(params, objects.rs_context);
    const res = await ctx.tokens.introspect(creds, req.token, req.rsContext, environmentFor(ctx, ex.info), readRsProof(params));
    return { status: 200, body: res.active ? res : inactive };
  });
}
