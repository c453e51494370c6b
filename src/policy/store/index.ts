// Public face of the policy store: versioned bundles in JetStream, the active pointer, rollback, and the
// watcher every host runs to hot-swap its policy pool.
import type { PolicyBundle } from '../types.js';
import { checkBundle } from './check-bundle.js';
import type { PolicyStore } from './policy-store.js';

export { type BundleWatcherOptions, type BundleWatcherStatus, PolicyBundleWatcher, type SwappablePool } from './bundle-watcher.js';
export { bundleVersion, type CheckedBundle, checkBundle, definedPaths, optionalEntrypoints, readBundleArchive, requiredEntrypoints } from './check-bundle.js';
export { PolicyStoreError, type PolicyStoreErrorCode } from './errors.js';
export { activeKey, bundlesObjectStore, policyBucket, versionPattern } from './names.js';
export {
  type ActivePointer,
  type HostReport,
  type LoadedVersion,
  PolicyStore,
  type PolicyStoreOptions,
  type PolicyVersion,
  type PublishOptions,
  type PublishResult,
  type PublishStep,
} from './policy-store.js';

/**
 * The bundle a host starts its pool with: the active published version when there is one and it loads,
 * else `fallback()` (the built-in policies/pbac); the failure is logged and shows in the watcher's status. The watcher then keeps the pool on the active version.
 */
export async function startupBundle(store: PolicyStore, fallback: () => Promise<PolicyBundle>, log: (line: string) => void = () => undefined): Promise<PolicyBundle> {
  try {
    const active = await store.active();
    if (active) {
      const loaded = await store.load(active.version);
      await checkBundle(loaded.bundle); // a forced, broken bundle must not keep a host from starting
      return loaded.policy;
    }
  } catch (err) {
    log(`portcullis: cannot load the active policy version, starting with the built-in policy: ${(err as Error).message}`);
  }
  return fallback();
}
