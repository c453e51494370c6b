// The actor runtime (shards, leases, mailboxes, caches, write-through) and the client and token actors.
export { AdminError, type AdminErrorCode } from './admin-error.js';
export { ClientAdmin, type CreatedClient, PolicyDataAdmin } from './admin.js';
export { BoundedCache } from './bounded-cache.js';
export { ClientActor, clientActorKey } from './client-actor.js';
export { Decider, type DecisionObserver, type DecisionPhase, type DecisionPool, type DecisionRecorder, entrypoints } from './decider.js';
export { type ActorBehavior, ActorHost, type ActorHostOptions } from './host.js';
export { LeaseCoverage, type LeaseCoverageOptions } from './lease-coverage.js';
export { type LeaseValue, ShardLeases } from './leases.js';
export { KeyedMailbox } from './mailbox.js';
export type { ClientMessage, RsDpopProof, TokenMessage } from './messages.js';
export type { ManagementProof, RegisterMessage, RegistrationMessage } from './client-registration.js';
export { type OAuthConfig, PolicyDataView, policyDataKey } from './policy-data.js';
export { RecordStore } from './record-store.js';
export { RegistrationService } from './registration-service.js';
export { ActorRouter } from './router.js';
export { shardOf } from './shards.js';
export { TokenActor, type TokenEventSink } from './token-actor.js';
export { TokenService } from './token-service.js';
