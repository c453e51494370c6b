// Token event subjects and their stream, as src/bus/subjects.ts names them (the subject scheme is
// documented there). Every event is kept in the JetStream stream `PORTCULLIS_TOKEN_EVENTS` (subjects
// `portcullis.events.token.>`, retention by age), so a subscriber that starts late replays from a time or
// a stream sequence and then follows live. A payload is one msgpack `TokenEvent` (./token-event.ts) or,
// under load, a msgpack array of one turn's events for that subject. Events never carry a token value:
// only its SHA-256 (hex) and the decision that made it. A message of one event is published with
// `Nats-Msg-Id: <token hash>.<rs>.<kind>` (a retried or repeated event is stored once), a message of n
// events with `<first event's id>+<n>` (a retried message is stored once). Delivery is at least once.
import { type TokenEventType, resourceServerToken, streams, tokenEventFilter, tokenEventSubject, tokenEventTypes, tokenEventsWildcard } from '../bus/index.js';

export type TokenEventKind = TokenEventType;
export const tokenEventKinds: readonly TokenEventKind[] = tokenEventTypes;

export const tokenEventStream: string = streams.tokenEvents;
export const tokenEventWildcard: string = tokenEventsWildcard;

export { resourceServerToken, tokenEventFilter, tokenEventSubject };
