// JSON Schema (drafts 4–7, the common keywords) for json.verify_schema and json.match_schema. OPA uses
// the gojsonschema package; schema errors and validation errors are worded as it words them, and each
// validation error is reported as {error, desc, field, type} with gojsonschema's field paths
// (`(root)`, `a.b`, `arr.0`).

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

export interface SchemaViolation {
  error: string;
  desc: string;
  field: string;
  type: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const PRIMITIVES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'];
const SCHEMA_ONE = ['not', 'additionalProperties', 'additionalItems', 'contains', 'propertyNames', 'if', 'then', 'else'];

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Throws SchemaError, worded as gojsonschema, when `schema` is not a valid schema. */
export function checkSchema(schema: unknown): void {
  if (typeof schema === 'boolean') return;
  if (!isObj(schema)) throw new SchemaError('Invalid JSON, expected a JSON object or boolean');
  const t = schema.type;
  if (t !== undefined) {
    const list = Array.isArray(t) ? t : [t];
    for (const x of list) {
      if (typeof x !== 'string') throw new SchemaError('Invalid type. Expected: string, given: type');
      if (!PRIMITIVES.includes(x)) throw new SchemaError(`has a primitive type that is NOT VALID -- given: /${x}/ Expected valid values are:[${PRIMITIVES.join(' ')}]`);
    }
  }
  if (schema.required !== undefined && (!Array.isArray(schema.required) || !schema.required.every((x) => typeof x === 'string'))) {
    throw new SchemaError('Invalid type. Expected: array of strings, given: required');
  }
  for (const k of SCHEMA_LISTS) {
    const v = schema[k];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw new SchemaError(`Invalid type. Expected: array, given: ${k}`);
    v.forEach(checkSchema);
  }
  for (const k of SCHEMA_MAPS) {
    const v = schema[k];
    if (v === undefined) continue;
    if (!isObj(v)) throw new SchemaError(`Invalid type. Expected: object, given: ${k}`);
    Object.values(v).forEach(checkSchema);
  }
  for (const k of SCHEMA_ONE) if (schema[k] !== undefined && typeof schema[k] !== 'boolean') checkSchema(schema[k]);
  const items = schema.items;
  if (Array.isArray(items)) items.forEach(checkSchema);
  else if (items !== undefined) checkSchema(items);
}

function jsonTypeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as Json));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k] as Json, b[k] as Json));
  }
  return false;
}

const fieldOf = (path: readonly string[]): string => (path.length === 0 ? '(root)' : path.join('.'));

class Validator {
  readonly errors: SchemaViolation[] = [];
  constructor(private readonly root: Json) {}

  private add(path: readonly string[], type: string, desc: string): void {
    const field = fieldOf(path);
    this.errors.push({ error: `${field}: ${desc}`, desc, field, type });
  }

  private resolve(ref: string): Json {
    if (!ref.startsWith('#')) throw new SchemaError(`unsupported $ref ${ref}`);
    let cur: Json = this.root;
    for (const raw of ref.slice(1).split('/').filter((s) => s !== '')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObj(cur) || !(key in cur)) throw new SchemaError(`Object has no key '${key}'`);
      cur = cur[key] as Json;
    }
    return cur;
  }

  /** Whether v is valid against s, without recording errors. */
  private passes(s: Json, v: Json, path: readonly string[]): boolean {
    const sub = new Validator(this.root);
    sub.validate(s, v, path);
    return sub.errors.length === 0;
  }

  validate(s: Json, v: Json, path: readonly string[]): void {
    if (s === true) return;
    if (s === false) {
      this.add(path, 'false', 'False always fails validation');
      return;
    }
    if (!isObj(s)) return;
    if (typeof s.$ref === 'string') {
      this.validate(this.resolve(s.$ref), v, path);
      return;
    }
    const given = jsonTypeOf(v);
    if (s.type !== undefined) {
      const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
      const ok = types.some((t) => t === given || (t === 'number' && given === 'integer') || (t === 'integer' && typeof v === 'number' && Number.isInteger(v)));
      if (!ok) {
        this.add(path, 'invalid_type', `Invalid type. Expected: ${types.join(', ')}, given: ${given}`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) {
      this.add(path, 'enum', `${fieldOf(path)} must be one of the following: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    if ('const' in s && !deepEqual(s.const as Json, v)) this.add(path, 'const', `${fieldOf(path)} does not match: ${JSON.stringify(s.const)}`);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      const passing = list.filter((x) => this.passes(x, v, path)).length;
      if (k === 'allOf' && passing !== list.length) {
        list.forEach((x) => this.validate(x, v, path));
        this.add(path, 'number_all_of', 'Must validate all the schemas (allOf)');
      }
      if (k === 'anyOf' && passing === 0) this.add(path, 'number_any_of', 'Must validate at least one schema (anyOf)');
      if (k === 'oneOf' && passing !== 1) this.add(path, 'number_one_of', 'Must validate one and only one schema (oneOf)');
    }
    if (s.not !== undefined && this.passes(s.not, v, path)) this.add(path, 'number_not', 'Must not validate the schema (not)');
    if (s.if !== undefined) {
      if (this.passes(s.if, v, path)) {
        if (s.then !== undefined) this.validate(s.then, v, path);
      } else if (s.else !== undefined) this.validate(s.else, v, path);
    }
    if (typeof v === 'string') this.validateString(s, v, path);
    if (typeof v === 'number') this.validateNumber(s, v, path);
    if (Array.isArray(v)) this.validateArray(s, v, path);
    if (isObj(v)) this.validateObject(s, v, path);
  }

  private validateString(s: Obj, v: string, path: readonly string[]): void {
    const len = [...v].length;
    if (typeof s.minLength === 'number' && len < s.minLength) this.add(path, 'string_gte', `String length must be greater than or equal to ${s.minLength}`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) this.add(path, 'string_lte', `String length must be less than or equal to ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) this.add(path, 'pattern', `Does not match pattern '${s.pattern}'`);
  }

  private validateNumber(s: Obj, v: number, path: readonly string[]): void {
    if (typeof s.multipleOf === 'number' && !Number.isInteger(v / s.multipleOf)) this.add(path, 'multiple_of', `Must be a multiple of ${s.multipleOf}`);
    const exMin = s.exclusiveMinimum;
    const exMax = s.exclusiveMaximum;
    if (typeof s.minimum === 'number') {
      if (exMin === true ? v <= s.minimum : v < s.minimum) this.add(path, exMin === true ? 'number_gt' : 'number_gte', exMin === true ? `Must be greater than ${s.minimum}` : `Must be greater than or equal to ${s.minimum}`);
    }
    if (typeof s.maximum === 'number') {
      if (exMax === true ? v >= s.maximum : v > s.maximum) this.add(path, exMax === true ? 'number_lt' : 'number_lte', exMax === true ? `Must be less than ${s.maximum}` : `Must be less than or equal to ${s.maximum}`);
    }
    if (typeof exMin === 'number' && v <= exMin) this.add(path, 'number_gt', `Must be greater than ${exMin}`);
    if (typeof exMax === 'number' && v >= exMax) this.add(path, 'number_lt', `Must be less than ${exMax}`);
  }

  private validateArray(s: Obj, v: Json[], path: readonly string[]): void {
    if (typeof s.minItems === 'number' && v.length < s.minItems) this.add(path, 'array_min_items', `Array must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) this.add(path, 'array_max_items', `Array must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = i + 1; j < v.length; j++) {
          if (deepEqual(v[i] as Json, v[j] as Json)) {
            this.add(path, 'unique', `array items[${i},${j}] must be unique`);
            i = v.length;
            break;
          }
        }
      }
    }
    const items = s.items;
    if (Array.isArray(items)) {
      v.forEach((x, i) => {
        if (i < items.length) this.validate(items[i] as Json, x, [...path, String(i)]);
        else if (s.additionalItems === false) this.add(path, 'array_no_additional_items', 'No additional items allowed on array');
        else if (s.additionalItems !== undefined) this.validate(s.additionalItems, x, [...path, String(i)]);
      });
    } else if (items !== undefined) v.forEach((x, i) => this.validate(items, x, [...path, String(i)]));
    if (s.contains !== undefined && !v.some((x, i) => this.passes(s.contains as Json, x, [...path, String(i)]))) {
      this.add(path, 'contains', 'At least one of the items must match');
    }
  }

  private validateObject(s: Obj, v: Obj, path: readonly string[]): void {
    const keys = Object.keys(v);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) this.add(path, 'array_min_properties', `Must have at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) this.add(path, 'array_max_properties', `Must have at most ${s.maxProperties} properties`);
    if (Array.isArray(s.required)) {
      for (const r of s.required) if (typeof r === 'string' && !(r in v)) this.add(path, 'required', `${r} is required`);
    }
    const props = isObj(s.properties) ? s.properties : {};
    const patterns = isObj(s.patternProperties) ? s.patternProperties : {};
    for (const k of keys) {
      const child = [...path, k];
      let matched = false;
      if (k in props) {
        matched = true;
        this.validate(props[k] as Json, v[k] as Json, child);
      }
      for (const [p, ps] of Object.entries(patterns)) {
        if (new RegExp(p, 'u').test(k)) {
          matched = true;
          this.validate(ps, v[k] as Json, child);
        }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) this.add(path, 'additional_property_not_allowed', `Additional property ${k} is not allowed`);
        else this.validate(s.additionalProperties, v[k] as Json, child);
      }
      if (s.propertyNames !== undefined) this.validate(s.propertyNames, k, child);
    }
    if (isObj(s.dependencies)) {
      for (const [k, dep] of Object.entries(s.dependencies)) {
        if (!(k in v)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep) if (typeof d === 'string' && !(d in v)) this.add(path, 'missing_dependency', `Has a dependency on ${d}`);
        } else this.validate(dep, v, path);
      }
    }
  }
}

/** Validates `doc` against `schema` (checked first: a bad schema throws SchemaError). */
export function validateSchema(doc: unknown, schema: unknown): SchemaViolation[] {
  checkSchema(schema);
  const v = new Validator(schema as Json);
  v.validate(schema as Json, doc as Json, []);
  return v.errors;
}
