// Verifies a software statement (RFC 7591 §2.3, §3.1.1): a JWT whose issuer policy data trusts
// (data.oauth_config.software_statement_issuers: { <iss>: { jwks } | { jwks_uri } }), signed by one of that
// issuer's keys, with exp not passed and iat/nbf not in the future. An issuer not in the list gives
// unapproved_software_statement; every other refusal is invalid_software_statement naming the check.
import { type JWSHeaderParameters, compactVerify, decodeJwt, decodeProtectedHeader, errors } from 'jose';
import { OAuthError } from '../errors.js';
import { FetchRefused, type JwksCache, type JwksSource, NoMatchingKey } from '../fetch/index.js';
import { isObject } from './lib/fields.js';
import { type StatementLimits, defaultStatementLimits } from './options.js';

export interface StatementOptions extends Partial<StatementLimits> {
  /** data.oauth_config.software_statement_issuers as policy data holds it. */
  trustedIssuers: unknown;
  keys: JwksCache;
  now?: () => number;
}

function invalid(description: string, cause?: unknown): OAuthError {
  return new OAuthError('invalid_software_statement', description, { cause });
}

const isDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function trustedSource(trusted: unknown, iss: string): JwksSource | undefined {
  if (!isObject(trusted) || !Object.hasOwn(trusted, iss)) return undefined;
  const entry = trusted[iss];
  if (!isObject(entry)) return undefined;
  if (isObject(entry.jwks)) return { jwks: entry.jwks };
  if (typeof entry.jwks_uri === 'string') return { jwks_uri: entry.jwks_uri };
  return undefined;
}

/** The statement's verified claims. */
export async function verifySoftwareStatement(statement: unknown, opts: StatementOptions): Promise<Record<string, unknown>> {
  const lim = { ...defaultStatementLimits, ...opts };
  const now = (opts.now ?? Date.now)() / 1000;
  if (typeof statement !== 'string' || statement === '') throw invalid('software_statement must be a JWT string');
  if (statement.length > lim.maxBytes) throw invalid(`software_statement is longer than ${lim.maxBytes} bytes`);
  let header: JWSHeaderParameters;
  let unverified: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(statement) as JWSHeaderParameters;
    unverified = decodeJwt(statement);
  } catch (err) {
    throw invalid('software_statement is not a signed JWT', err);
  }
  const iss = unverified.iss;
  if (typeof iss !== 'string' || iss === '') throw invalid('software_statement must have an iss');
  const source = trustedSource(opts.trustedIssuers, iss);
  if (source === undefined) throw new OAuthError('unapproved_software_statement', `software statements from ${JSON.stringify(iss.slice(0, 200))} are not trusted`);
  if (typeof header.alg !== 'string' || !lim.algorithms.includes(header.alg)) throw invalid(`software_statement alg must be one of ${lim.algorithms.join(', ')}`);

  let keys: Awaited<ReturnType<JwksCache['keysFor']>>;
  try {
    keys = await opts.keys.keysFor(source, header);
  } catch (err) {
    if (err instanceof FetchRefused) throw invalid(`the keys of issuer ${iss} could not be fetched: ${err.message}`, err);
    if (err instanceof NoMatchingKey) throw invalid(`no key of issuer ${iss} matches the software_statement: ${err.message}`, err);
    throw err;
  }
  let verified = false;
  let lastErr: unknown;
  for (const key of keys) {
    try {
      await compactVerify(statement, key, { algorithms: [...lim.algorithms] });
      verified = true;
      break;
    } catch (err) {
      lastErr = err;
    }
  }
  if (!verified) {
    if (lastErr instanceof errors.JWSSignatureVerificationFailed) throw invalid('software_statement signature does not verify with the issuer keys', lastErr);
    throw invalid(`software_statement is not a valid JWS: ${(lastErr as Error | undefined)?.message}`, lastErr);
  }

  const { exp, iat, nbf } = unverified;
  const skew = lim.clockSkewSec;
  if (exp === undefined && lim.requireExp) throw invalid('software_statement exp is required');
  if (exp !== undefined && (!isDate(exp) || exp <= now - skew)) throw invalid('software_statement has expired (exp)');
  if (nbf !== undefined && (!isDate(nbf) || nbf > now + skew)) throw invalid('software_statement is not yet valid (nbf)');
  if (iat !== undefined && (!isDate(iat) || iat > now + skew)) throw invalid('software_statement iat must be a NumericDate not in the future');
  if (lim.maxAgeSec > 0) {
    if (!isDate(iat)) throw invalid('software_statement iat is required');
    if (now - iat > lim.maxAgeSec) throw invalid(`software_statement is older than ${lim.maxAgeSec} seconds (iat)`);
  }
  return unverified;
}
