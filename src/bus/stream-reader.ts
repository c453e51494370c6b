// Reading a JetStream stream through an ordered consumer: the one way the audit query, the audit follower
// and the token-event subscribers open, consume and release such a consumer.
import type { Consumer, ConsumerMessages, OrderedConsumerOptions } from '@nats-io/jetstream';
import type { BusConnection } from './connection.js';
import { unavailable } from './errors.js';

/** An ordered consumer on `stream`; a NATS failure becomes a retryable `unavailable` BusError. */
export async function openOrderedConsumer(bus: BusConnection, stream: string, opts: Partial<OrderedConsumerOptions>): Promise<Consumer> {
  try {
    return await bus.js.consumers.get(stream, opts);
  } catch (err) {
    throw unavailable(`cannot read stream ${stream}: ${(err as Error).message}`, err);
  }
}

/** Messages of `consumer`, pulled `maxMessages` at a time, and a `stop()` that is safe to call twice and
 *  deletes the consumer so the server does not keep it. */
export async function consumeUntilStopped(consumer: Consumer, maxMessages: number): Promise<{ messages: ConsumerMessages; stop: () => void }> {
  const messages = await consumer.consume({ max_messages: maxMessages });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    messages.stop();
    void consumer.delete().catch(() => undefined);
  };
  return { messages, stop };
}
