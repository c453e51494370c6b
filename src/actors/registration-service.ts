// Registration (RFC 7591) and client management (RFC 7592) as the frontend asks for them: each goes to
// the client actor of the client concerned.
import type { ClientMetadata, Environment } from '../oauth/index.js';
import { clientActorKey } from './client-actor.js';
import type { ManagementProof, RegisterMessage } from './client-registration.js';
import type { ClientMessage } from './messages.js';
import type { ActorRouter } from './router.js';

export class RegistrationService {
  readonly #router: ActorRouter;

  constructor(router: ActorRouter) {
    this.#router = router;
  }

  register(msg: RegisterMessage): Promise<Record<string, unknown>> {
    return this.#call(msg.clientId, msg);
  }

  read(clientId: string, proof: ManagementProof): Promise<Record<string, unknown>> {
    return this.#call(clientId, { op: 'registration.get', proof });
  }

  update(clientId: string, proof: ManagementProof, metadata: ClientMetadata, env: Environment): Promise<Record<string, unknown>> {
    return this.#call(clientId, { op: 'registration.update', proof, metadata, env });
  }

  delete(clientId: string, proof: ManagementProof): Promise<null> {
    return this.#call(clientId, { op: 'registration.delete', proof });
  }

  #call<R>(clientId: string, msg: ClientMessage): Promise<R> {
    return this.#router.call<R>('client', clientActorKey(clientId), msg);
  }
}
