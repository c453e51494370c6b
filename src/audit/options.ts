// Options of the audit log and token events, with defaults, their environment variable, and one line
// each — in the shape of src/config/options.ts, whose table they are meant to join.

export interface RecordsConfig {
  auditEnabled: boolean;
  auditMaxAgeMs: number;
  auditMaxBytes: number;
  auditMaxInFlight: number;
  auditMaxBuffered: number;
  tokenEventsMaxBuffered: number;
  tokenExpiryMaxPending: number;
}

export interface RecordsOptionSpec<K extends keyof RecordsConfig = keyof RecordsConfig> {
  key: K;
  env: string;
  kind: 'int' | 'bool';
  doc: string;
  default: () => RecordsConfig[K];
  min?: number;
}

function opt<K extends keyof RecordsConfig>(s: RecordsOptionSpec<K>): RecordsOptionSpec<K> {
  return s;
}

export const recordsOptions = [
  opt({ key: 'auditEnabled', env: 'PORTCULLIS_AUDIT_ENABLED', kind: 'bool', doc: 'Append every policy decision to the audit stream.', default: () => true }),
  opt({ key: 'auditMaxAgeMs', env: 'PORTCULLIS_AUDIT_MAX_AGE_MS', kind: 'int', doc: 'Audit retention by age, ms (0 = unlimited).', default: () => 30 * 86_400_000, min: 0 }),
  opt({ key: 'auditMaxBytes', env: 'PORTCULLIS_AUDIT_MAX_BYTES', kind: 'int', doc: 'Audit retention by size, bytes; oldest records go first (-1 = unlimited).', default: () => -1, min: -1 }),
  opt({ key: 'auditMaxInFlight', env: 'PORTCULLIS_AUDIT_MAX_IN_FLIGHT', kind: 'int', doc: 'Audit appends awaiting acknowledgement at once.', default: () => 1024, min: 1 }),
  opt({ key: 'auditMaxBuffered', env: 'PORTCULLIS_AUDIT_MAX_BUFFERED', kind: 'int', doc: 'Audit records held for (re)sending while NATS is away; past it records are dropped and counted.', default: () => 100_000, min: 1 }),
  opt({ key: 'tokenEventsMaxBuffered', env: 'PORTCULLIS_TOKEN_EVENTS_MAX_BUFFERED', kind: 'int', doc: 'Token events held for (re)sending while NATS is away; past it events are dropped and counted.', default: () => 100_000, min: 1 }),
  opt({ key: 'tokenExpiryMaxPending', env: 'PORTCULLIS_TOKEN_EXPIRY_MAX_PENDING', kind: 'int', doc: 'Unexpired tokens the expiry announcer tracks; past it `expired` events lag.', default: () => 1_000_000, min: 1 }),
] as const satisfies readonly RecordsOptionSpec[];

export function recordsDefaults(): RecordsConfig {
  const get = <K extends keyof RecordsConfig>(key: K): RecordsConfig[K] => {
    const spec = recordsOptions.find((o) => o.key === key) as RecordsOptionSpec<K>;
    return spec.default();
  };
  return {
    auditEnabled: get('auditEnabled'),
    auditMaxAgeMs: get('auditMaxAgeMs'),
    auditMaxBytes: get('auditMaxBytes'),
    auditMaxInFlight: get('auditMaxInFlight'),
    auditMaxBuffered: get('auditMaxBuffered'),
    tokenEventsMaxBuffered: get('tokenEventsMaxBuffered'),
    tokenExpiryMaxPending: get('tokenExpiryMaxPending'),
  };
}
