// Request bodies as parameters: application/x-www-form-urlencoded (RFC 6749 appendix B) or a JSON
// object whose values are strings or arrays of strings; objects only where a field allows them.
import { OAuthError, type Params } from '../../oauth/index.js';

export const maxParams = 128;

export class MediaTypeError extends OAuthError {
  constructor(expected: string) {
    super('invalid_request', `Content-Type must be ${expected}`, { status: 415 });
  }
}

export type BodyKind = 'form' | 'json';

export function mediaType(contentType: string): BodyKind | undefined {
  const semi = contentType.indexOf(';');
  const base = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (base === 'application/x-www-form-urlencoded') return 'form';
  if (base === 'application/json') return 'json';
  return undefined;
}

function formDecode(s: string): string {
  if (s.indexOf('+') >= 0) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new OAuthError('invalid_request', 'the form body has a malformed percent-encoding');
  }
}

export function parseForm(body: Buffer): Params {
  const params: Params = new Map();
  if (body.length === 0) return params;
  const text = body.toString('utf8');
  if (text.includes('\uFFFD')) throw new OAuthError('invalid_request', 'the form body is not valid UTF-8');
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++count > maxParams) throw new OAuthError('invalid_request', `the body has more than ${maxParams} parameters`);
    const eq = pair.indexOf('=');
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : formDecode(pair.slice(eq + 1));
    const list = params.get(name);
    if (list) list.push(value);
    else params.set(name, [value]);
  }
  return params;
}

/**
 * Parses a JSON object body; `objectFields` names the fields that may hold objects (returned apart).
 */
export function parseJson(body: Buffer, objectFields: readonly string[] = []): { params: Params; objects: Record<string, unknown> } {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new OAuthError('invalid_request', 'the body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OAuthError('invalid_request', 'the JSON body must be an object');
  const params: Params = new Map();
  const objects: Record<string, unknown> = {};
  const entries = Object.entries(v);
  if (entries.length > maxParams) throw new OAuthError('invalid_request', `the body has more than ${maxParams} fields`);
  for (const [name, value] of entries) {
    if (objectFields.includes(name) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      objects[name] = value;
    } else if (typeof value === 'string') {
      params.set(name, [value]);
    } else if (Array.isArray(value) && value.length > 0 && value.length <= maxParams && value.every((x) => typeof x === 'string')) {
      params.set(name, value as string[]);
    } else {
      throw new OAuthError('invalid_request', `${name} must be a string${objectFields.includes(name) ? ' or an object' : ''}`);
    }
  }
  return { params, objects };
}

/** Parses a body of either kind into parameters; `objectFields` as in `parseJson`. */
export function parseParams(contentType: string, body: Buffer, objectFields: readonly string[] = []): { params: Params; objects: Record<string, unknown> } {
  const kind = mediaType(contentType);
  if (kind === 'form') return { params: parseForm(body), objects: {} };
  if (kind === 'json') return parseJson(body, objectFields);
  throw new MediaTypeError('application/x-www-form-urlencoded or application/json');
}
