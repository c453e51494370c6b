// The bus: one NATS connection per process, msgpack payloads, subject names, request/reply with
// deadlines, error envelopes, pipelined JetStream writes and idempotent provisioning.
export { decode, encode } from './codec.js';
export { type BusConnection, type ConnectOptions, connectBus } from './connection.js';
export { BusError, type ErrorEnvelope, type ErrorKind, type Reply, RevisionConflictError, timedOut, unavailable } from './errors.js';
export { KvStore, type ValueCodec, type Versioned } from './kv.js';
export { JetStreamPipeline, type PipelineOptions } from './pipeline.js';
export { type AuditStreamRetention, type ProvisionOptions, type ProvisionedBuckets, ensureAuditStream, provision } from './provision.js';
export { request, serve, toEnvelope } from './rpc.js';
export { consumeUntilStopped, openOrderedConsumer } from './stream-reader.js';
export * from './subjects.js';
