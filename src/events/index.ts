// Public face of token events: the subject scheme (see ./subjects.ts), an acknowledged publisher, the
// expiry announcer, and subscriptions that replay from a time or sequence and then follow live.
export { type ExpiredEventSink, OwnerExpiryAnnouncer, type OwnerExpiryOptions } from './owner-expiry.js';
export { type TokenEventRetention, ensureTokenEventStream } from './provision.js';
export { TokenEventPublisher } from './publisher.js';
export { type ReceivedTokenEvent, type TokenEventStream, type TokenEventSubscription, subscribeTokenEvents } from './subscribe.js';
export {
  type TokenEventKind,
  resourceServerToken,
  tokenEventFilter,
  tokenEventKinds,
  tokenEventStream,
  tokenEventSubject,
  tokenEventWildcard,
} from './subjects.js';
export { type TokenEvent, type TokenEventSource, tokenEventsOf } from './token-event.js';
