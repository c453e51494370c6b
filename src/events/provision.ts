// Creates the token event stream when absent (src/bus's provision creates it at server start too; this
// is for tools and tests that run without a server). An existing stream is left as it is.
import { DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { type BusConnection, unavailable } from '../bus/index.js';
import { tokenEventStream, tokenEventWildcard } from './subjects.js';

export interface TokenEventRetention {
  /** How long events are kept, ms; default 7 days. */
  maxAgeMs?: number;
  replicas?: number;
}

export async function ensureTokenEventStream(bus: BusConnection, r: TokenEventRetention = {}): Promise<void> {
  try {
    await bus.jsm.streams.info(tokenEventStream);
    return;
  } catch {
    // absent: create it
  }
  try {
    await bus.jsm.streams.add({
      name: tokenEventStream,
      subjects: [tokenEventWildcard],
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: (r.maxAgeMs ?? 7 * 86_400_000) * 1_000_000,
      num_replicas: r.replicas ?? 1,
    });
  } catch (err) {
    try {
      await bus.jsm.streams.info(tokenEventStream);
    } catch {
      throw unavailable(`cannot create stream ${tokenEventStream}: ${(err as Error).message}`, err);
    }
  }
}
