// The three token operations as the frontend asks for them; each goes to the client actor of the
// client that authenticates, which carries it on to the token actor.
import type { ClientAuthentication, Environment, IntrospectionResponse, Params, TokenResponse } from '../oauth/index.js';
import { clientActorKey } from './client-actor.js';
import type { ClientMessage, RsDpopProof } from './messages.js';
import type { ActorRouter } from './router.js';

export class TokenService {
  readonly #router: ActorRouter;

  constructor(router: ActorRouter) {
    this.#router = router;
  }

  /** `dpopJkt`: the thumbprint of the DPoP proof the edge verified (the token is then bound to it). */
  token(creds: ClientAuthentication, params: Params, env: Environment, dpopJkt?: string): Promise<TokenResponse> {
    const msg: ClientMessage = { op: 'token', creds, params: [...params], env };
    if (dpopJkt !== undefined) msg.dpopJkt = dpopJkt;
    return this.#call(creds, msg);
  }

  /** `dpop`: a proof the resource server received with the token, checked against the token's binding. */
  introspect(creds: ClientAuthentication, token: string, rsContext: Record<string, unknown>, env: Environment, dpop?: RsDpopProof): Promise<IntrospectionResponse> {
    const msg: ClientMessage = { op: 'introspect', creds, token, rsContext, env };
    if (dpop !== undefined) msg.dpop = dpop;
    return this.#call(creds, msg);
  }

  revoke(creds: ClientAuthentication, token: string): Promise<null> {
    return this.#call(creds, { op: 'revoke', creds, token });
  }

  #call<R>(creds: ClientAuthentication, msg: ClientMessage): Promise<R> {
    return this.#router.call<R>('client', clientActorKey(creds.clientId), msg);
  }
}
