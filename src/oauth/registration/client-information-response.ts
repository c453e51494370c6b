// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the registered metadata with
// client_id, the secret and registration_access_token when just issued, and registration_client_uri.
import type { ClientMetadata } from './validate-client-metadata.js';

export interface ClientInformation {
  clientId: string;
  /** Epoch seconds the client was registered. */
  issuedAt: number;
  metadata: ClientMetadata;
  /** Shown only in the response that issued it (registration, or a 7592 update that rotated it). */
  clientSecret?: string;
  registrationAccessToken?: string;
  registrationClientUri: string;
  /** The verified statement, returned as registered (RFC 7591 §3.2.1). */
  softwareStatement?: string;
}

export function clientInformationResponse(info: ClientInformation): Record<string, unknown> {
  const { client_type: _, ...metadata } = info.metadata;
  const out: Record<string, unknown> = { client_id: info.clientId, client_id_issued_at: info.issuedAt, ...metadata };
  if (info.clientSecret !== undefined) {
    out.client_secret = info.clientSecret;
    out.client_secret_expires_at = 0;
  }
  if (info.softwareStatement !== undefined) out.software_statement = info.softwareStatement;
  if (info.registrationAccessToken !== undefined) out.registration_access_token = info.registrationAccessToken;
  out.registration_client_uri = info.registrationClientUri;
  return out;
}
