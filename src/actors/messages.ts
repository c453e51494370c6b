// Messages the actor kinds accept, over NATS or in process. Keys: client_id for client actors, the
// token's hex SHA-256 for token actors.
import type { ClientCredentials, ClientInput, ClientRecord, Environment, ResourceServer, TokenRecord } from '../oauth/index.js';

/** Request parameters as entries (a Map does not survive msgpack as a Map). */
export type ParamEntries = [string, string[]][];

export type ClientMessage =
  | { op: 'token'; creds: ClientCredentials; params: ParamEntries; env: Environment }
  | { op: 'introspect'; creds: ClientCredentials; token: string; rsContext: Record<string, unknown>; env: Environment }
  | { op: 'revoke'; creds: ClientCredentials; token: string }
  | { op: 'admin.create'; record: ClientRecord }
  | { op: 'admin.get' }
  | { op: 'admin.update'; input: ClientInput; secretHash?: string }
  | { op: 'admin.delete' };

export type TokenMessage =
  | { op: 'store'; record: TokenRecord }
  | { op: 'introspect'; callerServers: ResourceServer[]; rsContext: Record<string, unknown>; env: Environment }
  | { op: 'revoke'; clientId: string };
