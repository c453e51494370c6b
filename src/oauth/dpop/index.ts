// DPoP (RFC 9449): proof verification, key thumbprints, access-token hashes and server nonces.
export { accessTokenHash } from './access-token-hash.js';
export { DpopNonces, type DpopNonceOptions } from './dpop-nonces.js';
export { jwkThumbprint } from './jwk-thumbprint.js';
export { normalizeHtu } from './normalize-htu.js';
export { type DpopOptions, defaultDpopAlgorithms, defaultDpopLimits } from './options.js';
export { requireDpopProof } from './require-dpop.js';
export { type DpopProof, type DpopRequest, verifyDpopProof } from './verify-dpop-proof.js';
