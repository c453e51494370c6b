// Loads the configuration: defaults, then an optional file (PORTCULLIS_CONFIG, JSON or YAML, keys as
// in `Config`), then environment variables, then explicit overrides. Bad values fail with the name.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, type OptionSpec, options, roles } from './options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function coerce(spec: OptionSpec, raw: unknown, from: string): unknown {
  const where = `${spec.key} (${from})`;
  switch (spec.kind) {
    case 'string':
    case 'optional-string':
      if (typeof raw !== 'string' || raw === '') throw new ConfigError(`${where} must be a non-empty string`);
      return raw;
    case 'role':
      if (typeof raw !== 'string' || !(roles as readonly string[]).includes(raw)) throw new ConfigError(`${where} must be one of ${roles.join(', ')}`);
      return raw;
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigError(`${where} must be true or false`);
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw new ConfigError(`${where} must be an integer`);
      if (spec.min !== undefined && n < spec.min) throw new ConfigError(`${where} must be at least ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) throw new ConfigError(`${where} must be at most ${spec.max}`);
      return n;
    }
  }
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  const v: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`config file ${path} must hold an object`);
  return v as Record<string, unknown>;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file = env.PORTCULLIS_CONFIG ? readFile(env.PORTCULLIS_CONFIG) : {};
  const known = new Set<string>(options.map((o) => o.key));
  for (const k of Object.keys(file)) if (!known.has(k)) throw new ConfigError(`unknown option ${k} in ${env.PORTCULLIS_CONFIG}`);
  const out: Record<string, unknown> = {};
  for (const spec of options as readonly OptionSpec[]) {
    let v: unknown;
    if (overrides[spec.key] !== undefined) v = overrides[spec.key];
    else if (env[spec.env] !== undefined && env[spec.env] !== '') v = coerce(spec, env[spec.env], spec.env);
    else if (file[spec.key] !== undefined) v = coerce(spec, file[spec.key], 'config file');
    else v = spec.default(out as Partial<Config>);
    out[spec.key] = v;
  }
  const config = out as unknown as Config;
  if (config.leaseRenewMs * 2 > config.leaseTtlMs) throw new ConfigError('leaseRenewMs must be at most half of leaseTtlMs');
  if (config.adminKey !== undefined && Buffer.byteLength(config.adminKey) < 32) throw new ConfigError('adminKey (PORTCULLIS_ADMIN_KEY) must be at least 32 bytes');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(config.hostId)) throw new ConfigError('hostId must be 1-64 of A-Z a-z 0-9 _ -');
  if (config.defaultTokenTtl > config.maxTokenTtl) throw new ConfigError('defaultTokenTtl must not exceed maxTokenTtl');
  if (config.replayMaxAgeMs < (Math.max(config.assertionMaxLifetimeSec + 30, config.dpopMaxAgeSec + 5) + 1) * 1000) {
    throw new ConfigError('replayMaxAgeMs must exceed the longest assertion lifetime and DPoP proof age (with their clock skew)');
  }
  if (config.dpopNonceSecret !== undefined && Buffer.byteLength(config.dpopNonceSecret) < 32) throw new ConfigError('dpopNonceSecret (PORTCULLIS_DPOP_NONCE_SECRET) must be at least 32 bytes');
  return config;
}
