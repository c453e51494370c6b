// What a policy sees (ARCHITECTURE.md "Policy input") and what it answers, for the token and
// introspection phases.
import type { ClientRecord } from './client.js';

export interface PolicyResource {
  /** PBAC resource type, when the request named one. */
  type: string | null;
  /** A specific resource id, when known. */
  id: string | null;
  /** Resource server id the indicator belongs to. */
  server: string | null;
  /** The RFC 8707 resource indicator as requested. */
  indicator: string | null;
  actions: string[];
}

export interface PolicyClient {
  client_id: string;
  client_type: string;
  software_id: string | null;
  software_statement: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** Scopes registered for the client (space-separated), if any. */
  scope: string | null;
}

export interface Environment {
  ip: string;
  user_agent: string;
  /** RFC 3339 time of the request. */
  time: string;
  /** Seconds since the epoch. */
  time_unix: number;
  /** Id the frontend gave the HTTP request: the audit log's `request_id` for the decisions it caused. */
  request_id?: string;
}

export type Phase = 'token' | 'introspect' | 'authorize' | 'register';

export interface PolicyContext {
  phase: Phase;
  grant_type: string;
  client: PolicyClient;
  environment: Environment;
  /** At registration (phase `register`): how the request came (RFC 7591 §3). */
  registration?: { software_statement: boolean; initial_access_token: boolean; update: boolean };
  /** At introspection: what the resource server sent about the request it is serving. */
  rs_context?: Record<string, unknown>;
  /** At introspection: the resource server asking. */
  resource_server?: { id: string; client_id: string; resource: string };
  /** At introspection: the token as issued (its issuance decision's id and obligations, not the whole decision). */
  token?: {
    scopes: string[];
    resources: PolicyResource[];
    jit_single_use: boolean;
    iat: number;
    exp: number;
    decision_id: string;
    obligations: Decision['obligations'];
  };
}

export interface PolicyInput {
  resources: PolicyResource[];
  /** Scopes requested (token phase) or granted (introspection). */
  scopes: string[];
  /** The user, in flows that have one. */
  subject: null;
  context: PolicyContext;
}

export interface Decision {
  allow: boolean;
  scopes: string[];
  /** Token lifetime, seconds; 0 means the server default. */
  ttl: number;
  jit_single_use: boolean;
  obligations: Record<string, unknown> | unknown[];
  reason: string;
  /** At registration: client metadata policy imposes on the client (e.g. `dpop_bound_access_tokens`). */
  restrictions?: Record<string, unknown>;
}

export function policyClient(c: ClientRecord): PolicyClient {
  return {
    client_id: c.client_id,
    client_type: c.client_type,
    software_id: c.software_id ?? null,
    software_statement: c.software_statement ?? {},
    metadata: c.metadata ?? {},
    scope: c.scope ?? null,
  };
}

// Requests arriving in the same millisecond share one RFC 3339 string (a Date and toISOString each otherwise).
let isoAtMs = Number.NaN;
let iso = '';

export function environmentOf(ip: string, userAgent: string, nowMs: number): Environment {
  if (nowMs !== isoAtMs) {
    iso = new Date(nowMs).toISOString();
    isoAtMs = nowMs;
  }
  return { ip, user_agent: userAgent, time: iso, time_unix: Math.floor(nowMs / 1000) };
}

const deny = (reason: string): Decision => ({ allow: false, scopes: [], ttl: 0, jit_single_use: false, obligations: [], reason });

/**
 * Reads a policy result defensively: anything that is not a well-formed decision denies, with a
 * reason saying why, so a broken policy fails closed.
 */
export function normalizeDecision(raw: unknown): Decision {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return deny('policy returned no decision');
  const r = raw as Record<string, unknown>;
  if (typeof r.allow !== 'boolean') return deny('policy decision has no boolean allow');
  const scopes = Array.isArray(r.scopes) ? r.scopes.filter((s): s is string => typeof s === 'string') : [];
  const ttl = typeof r.ttl === 'number' && Number.isFinite(r.ttl) && r.ttl > 0 ? Math.floor(r.ttl) : 0;
  const obligations = typeof r.obligations === 'object' && r.obligations !== null ? (r.obligations as Decision['obligations']) : [];
  const d: Decision = {
    allow: r.allow,
    scopes,
    ttl,
    jit_single_use: r.jit_single_use === true,
    obligations,
    reason: typeof r.reason === 'string' ? r.reason : '',
  };
  if (typeof r.restrictions === 'object' && r.restrictions !== null && !Array.isArray(r.restrictions)) d.restrictions = r.restrictions as Record<string, unknown>;
  return d;
}
