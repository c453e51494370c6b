// One-time identifiers (jti) remembered until they expire, in memory or shared across hosts in JetStream KV.
export { JetStreamReplayStore, type ReplayEntry } from './jetstream-replay-store.js';
export { MemoryReplayStore } from './memory-replay-store.js';
export { type ReplayBucketOptions, openReplayStore, replayBucket } from './open-replay-bucket.js';
export { replayKey } from './replay-key.js';
export type { ReplayStore } from './replay-store.js';
