// Token event subjects and their stream.
//
// Subject scheme:  `portcullis.events.token.<rs>.<kind>`
//   <rs>    the resource server's id (the `id` of its admin record) when it is 1–64 of `A-Z a-z 0-9 _ -`;
//           otherwise `=` and 32 hex digits of the id's SHA-256; `_` for a token bound to no resource server.
//           A token bound to several resource servers yields one event on each server's subject.
//   <kind>  `issued` | `revoked` | `consumed` (a single-use token's one introspection) | `expired`
// Examples: a gateway for resource server `orders` subscribes to `portcullis.events.token.orders.>`;
// an auditor of revocations everywhere to `portcullis.events.token.*.revoked`.
//
// Every event is kept in the JetStream stream `PORTCULLIS_TOKEN_EVENTS` (subjects
// `portcullis.events.token.>`, retention by age), so a subscriber that starts late replays from a time or a
// stream sequence and then follows live. Payloads are msgpack `TokenEvent`s (./token-event.ts) and never
// carry a token value: only its SHA-256 (hex) and the decision that made it. Each is published with
// `Nats-Msg-Id: <token hash>.<rs>.<kind>`, so a retried or repeated event is stored once.
//
// (Same format as `tokenEventSubject` in src/bus/subjects.ts, which lacks `expired` and the hashed form.)
import { createHash } from 'node:crypto';
import { streams, tokenEventsWildcard } from '../bus/index.js';

export type TokenEventKind = 'issued' | 'revoked' | 'consumed' | 'expired';
export const tokenEventKinds: readonly TokenEventKind[] = ['issued', 'revoked', 'consumed', 'expired'];

export const tokenEventStream: string = streams.tokenEvents;
export const tokenEventWildcard: string = tokenEventsWildcard;

const plain = /^[A-Za-z0-9_-]{1,64}$/;
const kindPattern = /^(?:issued|revoked|consumed|expired)$/;

/** The `<rs>` subject token of a resource server id (see the scheme above). */
export function resourceServerToken(server: string | null | undefined): string {
  if (server === null || server === undefined || server === '') return '_';
  if (plain.test(server) && server !== '_') return server;
  return `=${createHash('sha256').update(server, 'utf8').digest('hex').slice(0, 32)}`;
}

export function tokenEventSubject(server: string | null | undefined, kind: TokenEventKind): string {
  if (!kindPattern.test(kind)) throw new TypeError(`unknown token event kind ${JSON.stringify(kind)}`);
  return `portcullis.events.token.${resourceServerToken(server)}.${kind}`;
}

/** Filter subject for one resource server (or all: `undefined`) and one kind (or all). */
export function tokenEventFilter(server?: string | null, kind?: TokenEventKind): string {
  if (kind !== undefined && !kindPattern.test(kind)) throw new TypeError(`unknown token event kind ${JSON.stringify(kind)}`);
  return `portcullis.events.token.${server === undefined ? '*' : resourceServerToken(server)}.${kind ?? '*'}`;
}
