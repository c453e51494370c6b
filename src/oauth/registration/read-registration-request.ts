// Reads a client registration request (RFC 7591 §3.1): verifies its software statement when there is one,
// combines the two, and validates the result as client metadata. What comes out is what policy decides on
// (`phase: "register"`) and what the client record is made from.
import { OAuthError } from '../errors.js';
import { isObject } from './lib/fields.js';
import type { MetadataRules } from './options.js';
import { applySoftwareStatement } from './apply-software-statement.js';
import { type ClientMetadata, validateClientMetadata } from './validate-client-metadata.js';
import { type StatementOptions, verifySoftwareStatement } from './verify-software-statement.js';

export interface RegistrationRequest {
  metadata: ClientMetadata;
  /** The verified statement's claims (stored with the client; policy sees them as context.client.software_statement). */
  softwareStatement?: Record<string, unknown>;
}

export interface RegistrationOptions {
  statements: StatementOptions;
  rules?: Partial<MetadataRules>;
  /** Refuse requests without a software statement (default false: policy decides on plain registration). */
  requireSoftwareStatement?: boolean;
}

export async function readRegistrationRequest(body: unknown, opts: RegistrationOptions): Promise<RegistrationRequest> {
  if (!isObject(body)) throw new OAuthError('invalid_client_metadata', 'the request body must be a JSON object of client metadata');
  if (body.software_statement === undefined || body.software_statement === null) {
    if (opts.requireSoftwareStatement) throw new OAuthError('invalid_software_statement', 'a software_statement is required to register');
    return { metadata: validateClientMetadata(body, opts.rules) };
  }
  const claims = await verifySoftwareStatement(body.software_statement, opts.statements);
  const metadata = validateClientMetadata(applySoftwareStatement(body, claims), opts.rules);
  return { metadata, softwareStatement: claims };
}
