// Client registration (RFC 7591) and management (RFC 7592): metadata, software statements, access tokens.
export { applySoftwareStatement } from './apply-software-statement.js';
export { type ClientInformation, clientInformationResponse } from './client-information-response.js';
export { type MetadataRules, type RegisteredAuthMethod, type StatementLimits, defaultMetadataRules, defaultStatementLimits } from './options.js';
export { readClientUpdate } from './read-client-update.js';
export { readRegistrationAccessToken } from './read-registration-access-token.js';
export { type RegistrationOptions, type RegistrationRequest, readRegistrationRequest } from './read-registration-request.js';
export { type IssuedRegistrationAccessToken, issueRegistrationAccessToken, registrationAccessTokenMatches } from './registration-access-token.js';
export { registrationClientUri } from './registration-client-uri.js';
export { type ClientMetadata, validateClientMetadata } from './validate-client-metadata.js';
export { type StatementOptions, verifySoftwareStatement } from './verify-software-statement.js';
