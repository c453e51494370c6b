// Portcullis for gateways (`portcullis/gateway`): a local, event-fed cache of tokens and the active
// policy, answering the introspect-phase decision in-process (the Jans Lock pattern).
export { type CheckResult, Gateway, type GatewayOptions, type GatewayStats } from './gateway.js';
export { IntrospectionUnavailableError } from './introspection-client.js';
