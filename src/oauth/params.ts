// Request parameters as they arrive from a form or JSON body: each name with all its values.
import { OAuthError } from './errors.js';

export type Params = Map<string, string[]>;

/** The single value of `name`, or undefined; a repeated parameter is invalid_request (RFC 6749 §3.2). */
export function single(params: Params, name: string): string | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new OAuthError('invalid_request', `${name} must not be repeated`);
  return v[0];
}

export function required(params: Params, name: string): string {
  const v = single(params, name);
  if (v === undefined || v === '') throw new OAuthError('invalid_request', `${name} is required`);
  return v;
}

export function all(params: Params, name: string): string[] {
  return params.get(name) ?? [];
}
