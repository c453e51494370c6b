// The RFC 7592 registration_client_uri of a client: `<issuer>/register/<url-encoded client_id>`.

export function registrationClientUri(issuer: string, clientId: string): string {
  return `${issuer.replace(/\/+$/, '')}/register/${encodeURIComponent(clientId)}`;
}
