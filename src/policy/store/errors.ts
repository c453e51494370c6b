// Errors of the policy store, with a code from a closed union so the CLI and admin API can name them.

export type PolicyStoreErrorCode =
  /** The bundle cannot be read (not a bundle, bad manifest, no policy.wasm). */
  | 'bundle_invalid'
  /** The bundle's Wasm does not load in the OPA SDK. */
  | 'bundle_load_failed'
  /** The bundle lacks an entrypoint the server evaluates. */
  | 'bundle_missing_entrypoint'
  /** Rego sources did not compile. */
  | 'bundle_compile_failed'
  /** No version matches, or a prefix matches several. */
  | 'version_not_found'
  | 'version_ambiguous'
  /** The object store lost the bytes of a recorded version. */
  | 'version_missing_bytes'
  | 'store_unavailable';

export class PolicyStoreError extends Error {
  override readonly name = 'PolicyStoreError';
  constructor(
    readonly code: PolicyStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  toJSON(): { code: PolicyStoreErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
