// What a benchmark needs from a server under test: where it is, which process to charge CPU to,
// and the requests that exercise its token and introspection endpoints.
import type { HttpRequestSpec } from './wrk.js';

export interface BenchTarget {
  name: string;
  url: string;
  /** Root of the process tree whose CPU is charged to this target. */
  pid: number;
  /** Other processes the target needs (its nats-server), whose CPU is reported beside it. */
  helpers?: { name: string; pid: number }[];
  /** Requests for the token endpoint (client_credentials, client_secret_basic). */
  tokenRequests(): HttpRequestSpec[];
  /** `count` token requests, each with its own DPoP proof (RFC 9449) for this target's token endpoint. */
  dpopTokenRequests(count: number): Promise<HttpRequestSpec[]>;
  /** Mints `count` tokens, then gives introspection requests for them, authenticated as the RS. */
  introspectRequests(count: number): Promise<HttpRequestSpec[]>;
  stop(): Promise<void>;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** POSTs a form and returns the JSON reply, failing on a non-2xx status. */
export async function postForm(url: string, authorization: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...formHeaders, Authorization: authorization },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** POSTs `body` as JSON (or, with `json` false, as a form) to `url` + `path` and returns the JSON reply, failing on a non-2xx status. */
export async function post(url: string, authorization: string, path: string, body: unknown, json = true): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Mints tokens `parallel` at a time. */
export async function mintTokens(count: number, mint: () => Promise<string>, parallel = 16): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const n = Math.min(parallel, count - out.length);
    out.push(...(await Promise.all(Array.from({ length: n }, mint))));
  }
  return out;
}
