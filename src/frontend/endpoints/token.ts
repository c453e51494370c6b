// POST /token (RFC 6749 §3.2): parse the body, check the grant type, read the client's credentials,
// and have its client actor run the grant.
import { OAuthError, type Params, grants, readClientCredentials, single } from '../../oauth/index.js';
import { type FrontendContext, environmentFor, renderOptions } from '../context.js';
import { parseParams } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';

export const challenge = 'Basic realm="portcullis", charset="UTF-8"';

function checkGrantType(params: Params): void {
  const grantType = single(params, 'grant_type');
  if (grantType === undefined || grantType === '') throw new OAuthError('invalid_request', 'grant_type is required');
  if (!grants.has(grantType)) throw new OAuthError('unsupported_grant_type', `grant_type ${JSON.stringify(grantType.slice(0, 60))} is not supported`);
}

export function token(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'token', renderOptions(ctx, challenge), async (): Promise<Answer> => {
    const { params } = parseParams(ex.info.contentType, await body);
    checkGrantType(params);
    const creds = readClientCredentials(ex.info.authorization, params);
    const res = await ctx.tokens.token(creds, params, environmentFor(ctx, ex.info));
    return { status: 200, body: res };
  });
}
