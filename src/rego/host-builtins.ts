// The builtins the host supplies to a policy module through `opa_builtinN`: the ones our runtime (and
// OPA's) does not compile in. `sprintf` follows Go's fmt as OPA does; `time.now_ns`, `uuid.rfc4122` and
// `rand.intn` are fixed per evaluation. A builtin throws on bad operands; the loader decides what that means.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { goSprintf } from './lib/go-fmt.js';
import { cryptoBuiltins } from './lib/host-crypto.js';
import { miscBuiltins } from './lib/host-misc.js';

/** A host builtin receives its arguments as JSON values and returns one (undefined = Rego undefined). */
export type HostBuiltin = (...args: unknown[]) => unknown;

export interface HostBuiltinOptions {
  /** Wall clock in nanoseconds since the epoch; default `Date.now() * 1e6`. Tests freeze it here. */
  clock?: () => number;
  /** Extra builtins by Rego name; they win over the defaults. */
  extra?: Record<string, HostBuiltin>;
}

/**
 * The host side of one loaded policy. `startEvaluation` must be called before each evaluation: OPA
 * evaluates `time.now_ns()` once per query, so every call within one evaluation sees the same instant.
 */
export interface HostBuiltins {
  readonly builtins: Readonly<Record<string, HostBuiltin>>;
  startEvaluation(): void;
}

export function createHostBuiltins(options: HostBuiltinOptions = {}): HostBuiltins {
  const clock = options.clock ?? (() => Date.now() * 1e6);
  let now: number | undefined;
  const nowNs = (): number => (now ??= clock());
  const cache = new Map<string, unknown>();
  const perEvaluation = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const builtins: Record<string, HostBuiltin> = {
    ...cryptoBuiltins(nowNs),
    ...miscBuiltins(perEvaluation),
    sprintf: (format, values) => (typeof format === 'string' && Array.isArray(values) ? goSprintf(format, values) : undefined),
    'time.now_ns': nowNs,
    // OPA's runtime information (config, env, version); an embedded evaluator has none to give.
    'opa.runtime': () => ({}),
    'json.is_valid': (s) => {
      if (typeof s !== 'string') return undefined;
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    },
    'regex.split': (pattern, s) => (typeof pattern === 'string' && typeof s === 'string' ? s.split(new RegExp(pattern, 'u')) : undefined),
    'yaml.is_valid': (s) => (typeof s === 'string' ? yamlParse(s).ok : undefined),
    'yaml.marshal': (v) => stringifyYaml(v),
    'yaml.unmarshal': (s) => (typeof s === 'string' ? yamlParse(s).value : undefined),
    ...options.extra,
  };
  return {
    builtins,
    startEvaluation() {
      now = undefined;
      cache.clear();
    },
  };
}

function yamlParse(s: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: parseYaml(s) as unknown };
  } catch {
    return { ok: false };
  }
}
