// Messages the actor kinds accept, over NATS or in process. Keys: client_id for client actors, the
// token's hex SHA-256 for token actors.
import type { ClientAuthentication, ClientInput, ClientRecord, Environment, ResourceServer, TokenRecord } from '../oauth/index.js';
import type { RegisterMessage, RegistrationMessage } from './client-registration.js';

/** A DPoP proof a resource server received with the token, with the method and URL of that request (RFC 9449 §7). */
export interface RsDpopProof {
  proof: string;
  method: string;
  url: string;
}

/** Request parameters as entries (a Map does not survive msgpack as a Map). */
export type ParamEntries = [string, string[]][];

export type ClientMessage =
  | { op: 'token'; creds: ClientAuthentication; params: ParamEntries; env: Environment; /** jkt of the verified DPoP proof */ dpopJkt?: string }
  | { op: 'introspect'; creds: ClientAuthentication; token: string; rsContext: Record<string, unknown>; env: Environment; dpop?: RsDpopProof }
  | { op: 'revoke'; creds: ClientAuthentication; token: string }
  | RegisterMessage
  | RegistrationMessage
  | { op: 'admin.create'; record: ClientRecord }
  | { op: 'admin.get' }
  | { op: 'admin.update'; input: ClientInput; secretHash?: string }
  | { op: 'admin.delete' };

export type TokenMessage =
  | { op: 'store'; record: TokenRecord }
  | { op: 'introspect'; callerServers: ResourceServer[]; rsContext: Record<string, unknown>; env: Environment; dpop?: RsDpopProof & { accessToken: string } }
  | { op: 'revoke'; clientId: string };
