// The grants the token endpoint knows, by grant_type.
import * as clientCredentials from './client_credentials.js';
import type { Grant } from './types.js';

export type { Decided, Grant, GrantContext, TokenResponse } from './types.js';

export const grants: ReadonlyMap<string, Grant> = new Map<string, Grant>([[clientCredentials.grantType, clientCredentials]]);

export const grantTypesSupported = [...grants.keys()];
