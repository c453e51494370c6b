// POST /introspect (RFC 7662): the resource server authenticates as its client and may send its
// transaction context (`rs_context`), which policy sees at the introspect phase.
import { readClientCredentials, readIntrospectionRequest } from '../../oauth/index.js';
import { type FrontendContext, environmentFor, renderOptions } from '../context.js';
import { parseParams } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';
import { challenge } from './token.js';

export function introspect(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'introspect', renderOptions(ctx, challenge), async (): Promise<Answer> => {
    const { params, objects } = parseParams(ex.info.contentType, await body, ['rs_context']);
    const creds = readClientCredentials(ex.info.authorization, params);
    const req = readIntrospectionRequest(params, objects.rs_context);
    const res = await ctx.tokens.introspect(creds, req.token, req.rsContext, environmentFor(ctx, ex.info));
    return { status: 200, body: res };
  });
}
