// Scope strings (RFC 6749 §3.3): space-delimited scope-tokens of %x21 / %x23-5B / %x5D-7E.
import { OAuthError } from './errors.js';

const scopeToken = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
export const maxScopes = 64;

/** Parses a `scope` parameter into distinct scope tokens, in order; absent or empty gives []. */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined || scope === '') return [];
  const parts = scope.split(' ');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '') throw new OAuthError('invalid_scope', 'scope must be scope tokens separated by single spaces');
    if (!scopeToken.test(p)) throw new OAuthError('invalid_scope', `scope token ${JSON.stringify(p)} has characters RFC 6749 §3.3 does not allow`);
    if (!out.includes(p)) out.push(p);
  }
  if (out.length > maxScopes) throw new OAuthError('invalid_scope', `at most ${maxScopes} scopes may be requested`);
  return out;
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** Scopes in both lists, in the order of `a`. */
export function intersectScopes(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((s) => set.has(s));
}
