// private_key_jwt client authentication (RFC 7523 §2.2, §3).
export { type AssertionOptions, defaultAssertionAlgorithms, defaultAssertionLimits, jwtBearerAssertionType } from './options.js';
export { type ClientAssertion, readClientAssertion } from './read-client-assertion.js';
export { type AssertionClient, type VerifiedClientAssertion, verifyClientAssertion } from './verify-client-assertion.js';
