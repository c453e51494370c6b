// Token event subjects and their stream, as src/bus/subjects.ts names them (the subject scheme is
// documented there). Every event is kept in the JetStream stream `PORTCULLIS_TOKEN_EVENTS` (subjects
// `portcullis.events.token.>`, retention by age), so a subscriber that starts late replays from a time or
// a stream sequence and then follows live. Payloads are msgpack `TokenEvent`s (./token-event.ts) and
// never carry a token value: only its SHA-256 (hex) and the decision that made it. Each is published with
// `Nats-Msg-Id: <token hash>.<rs>.<kind>`, so a retried or repeated event is stored once.
import { type TokenEventType, resourceServerToken, streams, tokenEventFilter, tokenEventSubject, tokenEventTypes, tokenEventsWildcard } from '../bus/index.js';

export type TokenEventKind = TokenEventType;
export const tokenEventKinds: readonly TokenEventKind[] = tokenEventTypes;

export const tokenEventStream: string = streams.tokenEvents;
export const tokenEventWildcard: string = tokenEventsWildcard;

export { resourceServerToken, tokenEventFilter, tokenEventSubject };
