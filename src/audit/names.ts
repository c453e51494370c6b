// The audit stream and its subjects: the stream's name comes from src/bus/subjects.ts; the subject
// builders, which encode phase, outcome and client, are here beside the records they carry.
import { createHash } from 'node:crypto';
import { auditWildcard as busAuditWildcard, streams } from '../bus/index.js';

/** JetStream stream holding every decision record; subjects `portcullis.audit.>`. */
export const auditStream: string = streams.audit;
export const auditWildcard: string = busAuditWildcard;

/** Phases a decision is made in (policy input `phase`). */
export type AuditPhase = 'token' | 'introspect' | 'register' | 'authorize';
export const auditPhases: readonly AuditPhase[] = ['token', 'introspect', 'register', 'authorize'];
export type AuditOutcome = 'allow' | 'deny' | 'error';
export const auditOutcomes: readonly AuditOutcome[] = ['allow', 'deny', 'error'];

const plainToken = /^[A-Za-z0-9_-]{1,64}$/;
const phasePattern = /^(?:token|introspect|register|authorize)$/;
const outcomePattern = /^(?:allow|deny|error)$/;

/**
 * The subject token of an untrusted id (a client_id): itself when it is 1–64 of `A-Z a-z 0-9 _ -`, else
 * `=` and 32 hex digits of its SHA-256 (`=` never starts a plain token, so the two forms cannot
 * collide); `_` when there is none. A query filters by the same encoding.
 */
export function idToken(id: string | null | undefined): string {
  if (id === null || id === undefined || id === '') return '_';
  if (plainToken.test(id) && id !== '_') return id;
  return `=${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * `portcullis.audit.<phase>.<outcome>.<client>` — a message holding a batch of decision records (a msgpack
 * array) that share phase, outcome and client: the decisions of one event-loop turn, so one append's cost
 * is shared by many records. The client is an `idToken`, so a consumer's filter subject selects by phase,
 * outcome and client on the server, e.g. `portcullis.audit.*.deny.my-client`; decision id and time are
 * checked per record.
 */
export function auditSubject(phase: AuditPhase, outcome: AuditOutcome, clientId: string | null | undefined): string {
  if (!phasePattern.test(phase)) throw new TypeError(`unknown decision phase ${JSON.stringify(phase)}`);
  if (!outcomePattern.test(outcome)) throw new TypeError(`unknown decision outcome ${JSON.stringify(outcome)}`);
  return `portcullis.audit.${phase}.${outcome}.${idToken(clientId)}`;
}

/** The filter subject for a query; an absent field is `*`. */
export function auditFilterSubject(f: { phase?: AuditPhase | undefined; outcome?: AuditOutcome | undefined; clientId?: string | undefined }): string {
  if (f.phase !== undefined && !phasePattern.test(f.phase)) throw new TypeError(`unknown decision phase ${JSON.stringify(f.phase)}`);
  if (f.outcome !== undefined && !outcomePattern.test(f.outcome)) throw new TypeError(`unknown decision outcome ${JSON.stringify(f.outcome)}`);
  const client = f.clientId === undefined ? '*' : idToken(f.clientId);
  return `portcullis.audit.${f.phase ?? '*'}.${f.outcome ?? '*'}.${client}`;
}
