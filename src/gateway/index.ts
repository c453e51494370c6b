// Portcullis for gateways (`portcullis/gateway`): a local, event-fed cache of tokens and the active
// policy, answering the introspect-phase decision in-process (the Jans Lock pattern).
//
//   import { Gateway } from 'portcullis/gateway';
//   const gw = await Gateway.start({ natsUrl, serverUrl, clientId, clientSecret }); // the RS's client
//   const answer = await gw.check(bearerToken, { action: 'read', resource_type: 'api.orders' });
//   if (!answer.active) reject(401); else pass(answer.obligations);
//
// Answers equal /introspect's (test/gateway/check.test.ts) except for two things by design: a revocation
// reaches the gateway with its token event (milliseconds, not at once), and local decisions are not in
// the server's audit log. Single-use tokens and unknown tokens are always asked of the server.
export { type CheckResult, Gateway, type GatewayOptions, type GatewayStats } from './gateway.js';
export { IntrospectionUnavailableError } from './introspection-client.js';
