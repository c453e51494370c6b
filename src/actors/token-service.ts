// The three token operations as the frontend asks for them; each goes to the client actor of the
// client that authenticates, which carries it on to the token actor.
import type { ClientCredentials, Environment, IntrospectionResponse, Params, TokenResponse } from '../oauth/index.js';
import { clientActorKey } from './client-actor.js';
import type { ClientMessage } from './messages.js';
import type { ActorRouter } from './router.js';

export class TokenService {
  readonly #router: ActorRouter;

  constructor(router: ActorRouter) {
    this.#router = router;
  }

  token(creds: ClientCredentials, params: Params, env: Environment): Promise<TokenResponse> {
    return this.#call(creds, { op: 'token', creds, params: [...params], env });
  }

  introspect(creds: ClientCredentials, token: string, rsContext: Record<string, unknown>, env: Environment): Promise<IntrospectionResponse> {
    return this.#call(creds, { op: 'introspect', creds, token, rsContext, env });
  }

  revoke(creds: ClientCredentials, token: string): Promise<null> {
    return this.#call(creds, { op: 'revoke', creds, token });
  }

  #call<R>(creds: ClientCredentials, msg: ClientMessage): Promise<R> {
    return this.#router.call<R>('client', clientActorKey(creds.clientId), msg);
  }
}
