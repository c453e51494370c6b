// OPA bundles: the unit a policy is built into, stored as, and loaded from.
export { BundleFormatError, bundleWasm, decodeManifest, encodeManifest, type Bundle, type BundleModule, type Manifest, type WasmResolver } from './manifest.js';
export { decodeBundleArchive, readBundle } from './read.js';
export { encodeBundleArchive, isArchivePath, writeBundle } from './write.js';
