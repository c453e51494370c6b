// Client ID Metadata Documents: a client_id that is an https URL names its own metadata.
export { type CimdOptions, type ClientIdMetadataDocument, ClientIdMetadataDocuments } from './client-id-metadata-documents.js';
export { checkClientIdUrl, isClientIdUrl } from './client-id-url.js';
