// Where policy bundles and the active-version pointer live in JetStream: the object store and bucket
// are named in src/bus/subjects.ts; the keys inside the bucket are built here.
//
// KV bucket `portcullis_policy`:
// - `active` → `ActivePointer`, the version every host must run (rollback = pointing it at an older one);
// - `versions.<version>` → `PolicyVersion`, the record of one publish;
// - `hosts.<host id>` → `HostReport`, the version a host runs and its last load failure, written by its
//   watcher after every change (stale hosts stay until overwritten: read `time`).
// Hosts watch `active`; policy data (`data.oauth_config`) lives apart, in `portcullis_policy_data`.
// Object store `portcullis_bundles`: one .tar.gz per version, named by the version.
export { bundlesObjectStore, policyBucket } from '../../bus/index.js';

export const activeKey = 'active';

/** A version is the first 16 hex digits of the SHA-256 of a bundle's content. */
export const versionPattern = /^[0-9a-f]{16}$/;

export function versionKey(version: string): string {
  if (!versionPattern.test(version)) throw new TypeError(`not a policy version: ${JSON.stringify(version)}`);
  return `versions.${version}`;
}

const hostIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function hostReportKey(hostId: string): string {
  if (!hostIdPattern.test(hostId)) throw new TypeError(`not a host id: ${JSON.stringify(hostId)}`);
  return `hosts.${hostId}`;
}
