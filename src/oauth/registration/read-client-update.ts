// Reads a client update request (RFC 7592 §2.2): the full metadata again, with client_id equal to the
// client's, and none of the fields the server assigns; the result is validated like a registration.
import { OAuthError } from '../errors.js';
import { isObject } from './lib/fields.js';
import type { MetadataRules } from './options.js';
import { type ClientMetadata, validateClientMetadata } from './validate-client-metadata.js';

const serverAssigned = ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'] as const;

export function readClientUpdate(body: unknown, clientId: string, rules?: Partial<MetadataRules>): ClientMetadata {
  if (!isObject(body)) throw new OAuthError('invalid_client_metadata', 'the request body must be a JSON object of client metadata');
  if (body.client_id !== clientId) throw new OAuthError('invalid_request', 'client_id in the body must be the client being updated (RFC 7592 §2.2)');
  for (const f of serverAssigned) if (body[f] !== undefined) throw new OAuthError('invalid_request', `${f} must not be sent in an update (RFC 7592 §2.2)`);
  return validateClientMetadata(body, rules);
}
