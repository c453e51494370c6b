// OAuth protocol logic over jose and node:crypto, independent of transport.
export * from './client.js';
export * from './client-auth.js';
export * from './errors.js';
export * from './grants/index.js';
export * from './introspection.js';
export * from './params.js';
export * from './pbac.js';
export * from './policy-input.js';
export * from './resource.js';
export * from './revocation.js';
export * from './scope.js';
export * from './secrets.js';
export * from './token-record.js';
export * from './tokens.js';
