// POST /revoke (RFC 7009): the client that holds a token revokes it; an unknown token is still 200.
import { readClientAuthentication, readRevocationRequest } from '../../oauth/index.js';
import { type FrontendContext, renderOptions } from '../context.js';
import { parseParams } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';
import { challenge, endpointUrl } from './token.js';

export function revoke(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'revoke', renderOptions(ctx, challenge), async (): Promise<Answer> => {
    const { params } = parseParams(ex.info.contentType, await body);
    const creds = readClientAuthentication(ex.info.authorization, params, endpointUrl(ctx, '/revoke'));
    const { token } = readRevocationRequest(params);
    await ctx.tokens.revoke(creds, token);
    return { status: 200 };
  });
}
