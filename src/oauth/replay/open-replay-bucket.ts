// Creates (idempotently) or opens the KV bucket of one-time identifiers and wraps it as a ReplayStore.
import { type BusConnection, type JetStreamPipeline, KvStore, replayBucketName, unavailable } from '../../bus/index.js';
import { JetStreamReplayStore, type ReplayEntry } from './jetstream-replay-store.js';

/** `portcullis_replay` — one-time identifiers (assertion and DPoP `jti`s) by replayKey(scope, jti). */
export const replayBucket = replayBucketName;

export interface ReplayBucketOptions {
  /** JetStream replicas (1 on a single server, 3 on a cluster). */
  replicas: number;
  /**
   * The bucket's max_age, ms: longer than any identifier must be remembered (the longest client assertion
   * lifetime and the DPoP iat window, plus clock skew). Default 900,000 (15 minutes).
   */
  maxAgeMs?: number;
  /** The process's shared write pipeline (claims are create-only puts through it). */
  pipeline: JetStreamPipeline;
}

export async function openReplayStore(bus: BusConnection, opts: ReplayBucketOptions): Promise<JetStreamReplayStore> {
  const maxAgeMs = opts.maxAgeMs ?? 900_000;
  let kv: Awaited<ReturnType<BusConnection['kvm']['create']>>;
  try {
    kv = await bus.kvm.create(replayBucket, { replicas: opts.replicas, history: 1, ttl: maxAgeMs, allow_direct: true });
  } catch (err) {
    try {
      kv = await bus.kvm.open(replayBucket);
    } catch {
      throw unavailable(`cannot create KV bucket ${replayBucket}: ${(err as Error).message}`, err);
    }
  }
  return new JetStreamReplayStore(new KvStore<ReplayEntry>(replayBucket, kv, opts.pipeline), { maxAgeMs });
}
