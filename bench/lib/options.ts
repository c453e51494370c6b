// Command-line options shared by the HTTP benchmarks.
import { parseArgs } from 'node:util';

export interface HttpBenchOptions {
  /** Seconds of measured load per target (default 5). */
  durationSeconds: number;
  /** Concurrent connections (default 64). */
  connections: number;
  /** Seconds of unmeasured warm-up per target (default 2). */
  warmupSeconds: number;
  /** Which side(s) to run (default both). */
  only: 'both' | 'portcullis' | 'peer';
  /** Tokens minted for the introspection benchmark (default 256). */
  tokens: number;
  /** Write V8 CPU profiles of the Portcullis process (and its worker threads) into this directory. */
  profileDir?: string;
  /** Token benchmark: a fresh DPoP proof with every request (RFC 9449), on both sides. */
  dpop: boolean;
  /** Proofs made per second of load (warm-up and measured run); more requests than proofs reuse them. */
  proofsPerSecond: number;
  /** Portcullis appends every decision to its audit stream (default); `--no-audit` turns that off to measure its cost. */
  audit: boolean;
}

export const httpBenchUsage = `options:
  --duration <s>      measured seconds per target (default 5)
  --connections <n>   concurrent connections (default 64)
  --warmup <s>        warm-up seconds per target (default 2)
  --only <side>       portcullis | peer | both (default both)
  --tokens <n>        tokens minted for introspection (default 256)
  --profile <dir>     write V8 CPU profiles of the Portcullis process into <dir> (open in Chrome DevTools)
  --dpop              token: a fresh DPoP proof per request, DPoP-bound tokens on both sides
  --proofs <n>        token --dpop: proofs made per second of load (default 8000)
  --no-audit          run Portcullis with its decision audit log off (PORTCULLIS_AUDIT_ENABLED=false), to measure its cost`;

function positive(name: string, v: string | undefined, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new TypeError(`--${name} must be a positive number, got '${v}'`);
  return n;
}

export function parseHttpBenchOptions(args: string[]): HttpBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      tokens: { type: 'string' },
      profile: { type: 'string' },
      dpop: { type: 'boolean' },
      proofs: { type: 'string' },
      'no-audit': { type: 'boolean' },
    },
    strict: true,
  });
  const only = values.only ?? 'both';
  if (only !== 'both' && only !== 'portcullis' && only !== 'peer') throw new TypeError(`--only must be portcullis, peer or both`);
  return {
    durationSeconds: positive('duration', values.duration, 5),
    connections: Math.round(positive('connections', values.connections, 64)),
    warmupSeconds: positive('warmup', values.warmup, 2, true),
    only,
    tokens: Math.round(positive('tokens', values.tokens, 256)),
    ...(values.profile ? { profileDir: values.profile } : {}),
    dpop: values.dpop === true,
    proofsPerSecond: Math.round(positive('proofs', values.proofs, 8000)),
    audit: values['no-audit'] !== true,
  };
}
