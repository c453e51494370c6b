// The builtins the host supplies to a policy module through `opa_builtinN`: the ones our runtime (and
// OPA's) does not compile in. `sprintf` follows Go's fmt as OPA does; `time.now_ns`, `uuid.rfc4122` and
// `rand.intn` are fixed per evaluation. A builtin throws on bad operands; the loader decides what that means.
import { parseDocument, stringify as stringifyYaml, type YAMLError } from 'yaml';
import { BuiltinError, operandError } from './lib/builtin-error.js';
import { goSprintf } from './lib/go-fmt.js';
import { renderGoTemplate } from './lib/go-template.js';
import { SchemaError, checkSchema, validateSchema } from './lib/json-schema.js';
import { cryptoBuiltins } from './lib/host-crypto.js';
import { graphBuiltins } from './lib/host-graph.js';
import { miscBuiltins } from './lib/host-misc.js';
import { netBuiltins } from './lib/host-net.js';
import { valueBuiltins } from './lib/host-values.js';

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
    ...netBuiltins(),
    ...graphBuiltins(),
    ...(valueBuiltins() as Record<string, HostBuiltin>),
    sprintf: (format, values) => (typeof format === 'string' && Array.isArray(values) ? goSprintf(format, values) : undefined),
    // Rego v0's `all` and `any` (dropped from v1): whether every / some element of an array or set is true.
    // A set reaches the host as a JSON array.
    all: (c) => collectionOperand('all', c).every((v) => v === true),
    any: (c) => collectionOperand('any', c).some((v) => v === true),
    'time.now_ns': nowNs,
    'json.verify_schema': (schema) => {
      const s = schemaOperand('json.verify_schema', schema, 1);
      try {
        checkSchema(s);
        return [true, null];
      } catch (err) {
        if (err instanceof SchemaError) return [false, `jsonschema: ${err.message}`];
        throw err;
      }
    },
    'json.match_schema': (doc, schema) => {
      const d = schemaOperand('json.match_schema', doc, 1);
      const s = schemaOperand('json.match_schema', schema, 2);
      try {
        const errors = validateSchema(d, s);
        return [errors.length === 0, errors];
      } catch (err) {
        if (err instanceof SchemaError) throw new BuiltinError(`json.match_schema: ${err.message}`);
        throw err;
      }
    },
    'strings.render_template': (template, vars) => {
      if (typeof template !== 'string') throw operandError(`strings.render_template: operand 1 must be string but got ${jsonTypeName(template)}`);
      if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) throw operandError(`strings.render_template: operand 2 must be object but got ${jsonTypeName(vars)}`);
      try {
        return renderGoTemplate(template, vars);
      } catch (err) {
        throw new BuiltinError(`strings.render_template: ${(err as Error).message}`);
      }
    },
    // OPA's runtime information (config, env, version); an embedded evaluator has none to give.
    'opa.runtime': () => ({}),
    // OPA: a non-string is simply not valid JSON/YAML (false), never an error.
    'json.is_valid': (s) => {
      if (typeof s !== 'string') return false;
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    },
    'regex.split': (pattern, s) => (typeof pattern === 'string' && typeof s === 'string' ? s.split(new RegExp(pattern, 'u')) : undefined),
    'yaml.is_valid': (s) => typeof s === 'string' && yamlParse(s).ok,
    'yaml.marshal': (v) => stringifyYaml(v),
    'yaml.unmarshal': (s) => {
      if (typeof s !== 'string') throw operandError(`yaml.unmarshal: operand 1 must be string but got ${s === null ? 'null' : Array.isArray(s) ? 'array' : typeof s}`);
      const parsed = yamlParse(s);
      if (!parsed.ok) throw new BuiltinError(parsed.error);
      return parsed.value;
    },
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

/** A schema or document operand: JSON text, or the value itself (an object; booleans are schemas too). */
function schemaOperand(name: string, v: unknown, pos: number): unknown {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as unknown;
    } catch (err) {
      throw new BuiltinError(`${name}: ${(err as Error).message}`);
    }
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v;
  if (typeof v === 'boolean' && pos === 2) return v;
  throw operandError(`${name}: operand ${pos} must be one of {object, string} but got ${jsonTypeName(v)}`);
}

function jsonTypeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function yamlParse(s: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const doc = parseDocument(s);
  const first = doc.errors[0];
  if (first === undefined) return { ok: true, value: doc.toJS() as unknown };
  return { ok: false, error: goYamlError(first) };
}

/**
 * An error of the `yaml` package in the words of go-yaml, which OPA's yaml.unmarshal reports:
 * `yaml: line N: <what>`. go-yaml words an unterminated flow collection as "did not find expected ','
 * or ']'"; other errors keep this parser's own text (without its position suffix).
 */
function goYamlError(err: YAMLError): string {
  const line = err.linePos?.[0].line ?? 1;
  const text = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? err.message;
  const flow = /^Flow (sequence|map)\b.*must .*end with a ([\]}])/.exec(text);
  const what = flow ? `did not find expected ',' or '${flow[2]}'` : text;
  return `yaml: line ${line}: ${what}`;
}

function collectionOperand(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw operandError(`${name}: operand 1 must be one of {array, set} but got ${v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v}`);
  return v;
}
