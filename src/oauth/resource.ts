// Resource indicators (RFC 8707 §2): absolute URIs without a fragment, repeatable.
import { OAuthError } from './errors.js';

export const maxResources = 16;

/**
 * Checks indicators; `known` (optional) says an indicator is one registered (and so already checked),
 * which spares parsing it as a URL on every request.
 */
export function parseResourceIndicators(values: readonly string[], known?: (v: string) => boolean): string[] {
  if (values.length > maxResources) throw new OAuthError('invalid_target', `at most ${maxResources} resource parameters are allowed`);
  const out: string[] = [];
  for (const v of values) {
    if (known?.(v)) {
      if (!out.includes(v)) out.push(v);
      continue;
    }
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new OAuthError('invalid_target', `resource ${JSON.stringify(v.slice(0, 100))} is not an absolute URI`);
    }
    if (v.includes('#') || url.hash !== '') throw new OAuthError('invalid_target', 'resource must not contain a fragment');
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

const resourceTypeName = /^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,127}$/;

/** PBAC resource types: names from the policy data's resource_types. */
export function parseResourceTypes(values: readonly string[]): string[] {
  if (values.length > maxResources) throw new OAuthError('invalid_target', `at most ${maxResources} resource_type parameters are allowed`);
  const out: string[] = [];
  for (const v of values) {
    if (!resourceTypeName.test(v)) throw new OAuthError('invalid_target', `resource_type ${JSON.stringify(v.slice(0, 100))} is not a valid name`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
