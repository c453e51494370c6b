// Request/reply over NATS with a deadline on every request and replies as `Reply<T>` envelopes.
import { type Msg, NoRespondersError, RequestError, type Subscription, TimeoutError } from '@nats-io/transport-node';
import { decode, encode } from './codec.js';
import type { BusConnection } from './connection.js';
import { BusError, type ErrorEnvelope, type Reply, timedOut, unavailable } from './errors.js';

function classify(subject: string, err: unknown): BusError {
  if (err instanceof BusError) return err;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  if (err instanceof TimeoutError || cause instanceof TimeoutError) return timedOut(`no reply on ${subject} before the deadline`, err);
  if (err instanceof NoRespondersError || cause instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders())) {
    return unavailable(`nobody serves ${subject} right now`, err);
  }
  return unavailable(`request on ${subject} failed: ${err instanceof Error ? err.message : String(err)}`, err);
}

/**
 * Sends `payload` to `subject` and resolves to the reply's value; rejects with a `BusError` on timeout,
 * no responders or a lost connection, or with the remote's error envelope (kind `protocol`, …).
 */
export async function request<T>(bus: BusConnection, subject: string, payload: unknown, timeoutMs: number): Promise<T> {
  let msg: Msg;
  try {
    msg = await bus.nc.request(subject, encode(payload), { timeout: timeoutMs });
  } catch (err) {
    throw classify(subject, err);
  }
  let reply: Reply<T>;
  try {
    reply = decode<Reply<T>>(msg.data);
  } catch (err) {
    throw new BusError({ kind: 'internal', description: `undecodable reply on ${subject}` }, { cause: err });
  }
  if (reply.ok) return reply.value;
  throw new BusError(reply.error);
}

/** Turns any thrown value into an envelope; errors that know their wire form provide `toEnvelope()`. */
export function toEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof BusError) return err.envelope;
  if (typeof err === 'object' && err !== null && 'toEnvelope' in err && typeof err.toEnvelope === 'function') {
    return err.toEnvelope() as ErrorEnvelope;
  }
  return { kind: 'internal', description: 'internal error' };
}

/**
 * Serves requests on `subject` in `queue`: decodes each payload, runs `handler`, and replies with an
 * envelope. Handlers run concurrently; ordering per key is the caller's business (actor mailboxes).
 */
export function serve<I, O>(
  bus: BusConnection,
  subject: string,
  queue: string,
  handler: (payload: I) => Promise<O>,
  onError?: (err: unknown) => void,
): Subscription {
  return bus.nc.subscribe(subject, {
    queue,
    callback: (err, msg) => {
      if (err) {
        onError?.(err);
        return;
      }
      let payload: I;
      try {
        payload = decode<I>(msg.data);
      } catch (e) {
        msg.respond(encode({ ok: false, error: { kind: 'internal', description: 'undecodable request' } } satisfies Reply<O>));
        onError?.(e);
        return;
      }
      // A handler that throws before returning its promise (a payload not of the expected shape) must not
      // throw out of this callback: that closes the connection's reader, and every responder with it.
      let result: Promise<O>;
      try {
        result = Promise.resolve(handler(payload));
      } catch (e) {
        result = Promise.reject(e);
      }
      result.then(
        (value) => msg.respond(encode({ ok: true, value } satisfies Reply<O>)),
        (e: unknown) => {
          const error = toEnvelope(e);
          if (error.kind === 'internal') onError?.(e);
          msg.respond(encode({ ok: false, error } satisfies Reply<O>));
        },
      );
    },
  });
}
