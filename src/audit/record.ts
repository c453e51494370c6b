// One decision as the audit log keeps it: everything needed to replay or explain it later.
import type { AuditOutcome, AuditPhase } from './names.js';

export interface AuditRecord {
  /** Unique id of this record (the first of a batch is the batch's Nats-Msg-Id, so a retried append is stored once). */
  id: string;
  /** When the decision was made, ms since the epoch. */
  at: number;
  phase: AuditPhase;
  outcome: AuditOutcome;
  client_id: string | null;
  /** The decision id given to the token or introspection this decision made. */
  decision_id: string | null;
  /** The HTTP request's id, when the frontend passed one along. */
  request_id: string | null;
  /** Bundle version that decided; null when the pool failed before any version decided. */
  policy_version: string | null;
  /** From asking the pool to its answer, µs. */
  latency_us: number;
  /** The full policy input. Never holds a token value: token actors pass its hash only. */
  input: unknown;
  /**
   * Before encoding: the input as the JSON text the policy pool already made for its worker, `input` then
   * left undefined; the batch encoder splices the text in as `input` (no second encoding per decision).
   */
  input_json?: string | undefined;
  /** The full policy output (the decision), or `{ error: { code, message } }` when it failed. */
  output: unknown;
  /** The host that made it. */
  host: string | null;
}

/** A record as a query returns it, with its place in the stream. */
export interface AuditEntry {
  /** Stream sequence of the message holding it (a batch), and its place in the batch. */
  seq: number;
  index: number;
  /** Resume after this record: pass as `cursor`. */
  cursor: string;
  /** When the stream stored it, ISO 8601. */
  stored: string;
  record: AuditRecord;
}

/** What the code making a decision reports; the log fills in the id, time and host. */
export interface DecisionAuditEntry {
  phase: AuditPhase;
  outcome: AuditOutcome;
  input: unknown;
  /** `input` as JSON text, when the caller has it already: stored instead of encoding `input` again. */
  inputJson?: string | undefined;
  output: unknown;
  policyVersion: string | null;
  latencyUs: number;
  /** Default: `input.context.client.client_id`. */
  clientId?: string | null;
  decisionId?: string | null;
  requestId?: string | null;
  /** Default: now. */
  at?: number;
}

/** `input.context.client.client_id`, where the policy input carries the client. */
export function clientIdOf(input: unknown): string | null {
  const ctx = (input as { context?: { client?: { client_id?: unknown } } } | null)?.context;
  const id = ctx?.client?.client_id;
  return typeof id === 'string' ? id : null;
}
