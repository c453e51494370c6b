// Public face of the audit log: append every decision to a JetStream stream with bounded retries, and
// query or follow it by client, decision id, phase, outcome and time.
export { type AuditAnswer, answerAuditQuery, followAuditLines, isAuditAnswer, readAuditQuery } from './admin-query.js';
export { AuditLog, type AuditLogOptions, type AuditLogStats } from './audit-log.js';
export { type DecidingPool, auditingPool, outcomeOf, phaseOf } from './auditing-pool.js';
export {
  type AuditOutcome,
  type AuditPhase,
  auditFilterSubject,
  auditOutcomes,
  auditPhases,
  auditStream,
  auditSubject,
  auditWildcard,
  idToken,
} from './names.js';
export { type AuditRetention, auditRetentionDefaults, ensureAuditStream } from './provision.js';
export {
  type AuditFilter,
  type AuditFollower,
  type AuditPage,
  AuditQueryError,
  type AuditQueryOptions,
  type AuditRequest,
  auditQueryLimits,
  countAuditRecords,
  followAudit,
  parseAuditRequest,
  parseAuditTime,
  queryAudit,
} from './query.js';
export { type AuditEntry, type AuditRecord, type DecisionAuditEntry, clientIdOf } from './record.js';
export { type AcknowledgedPublisher, ReliablePublisher, type ReliablePublisherOptions, type ReliablePublisherStats } from './reliable-publisher.js';
export { TurnBatches } from './turn-batches.js';
