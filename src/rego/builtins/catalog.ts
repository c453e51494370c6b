// The catalog of OPA's built-in functions by name and arity (OPA 1.x capabilities, written out by hand,
// cross-checked against the wasm subset in @open-policy-agent/opa-wasm's capabilities.json). The
// checker uses it to resolve calls and check arity; which builtins the Wasm back end implements is
// a separate question (see `WASM_NATIVE`).

export interface BuiltinSignature {
  /** Dotted Rego name, e.g. `object.get`; the call operator ref is this split on dots. */
  name: string;
  /** Number of input arguments; a call may pass one more: the output (e.g. `count(x, n)`). */
  arity: number;
  /** Accepts any number of arguments (`print`). */
  variadic?: boolean;
  /** Infix spelling, for operators (`plus` is `+`). */
  infix?: string;
  /** May produce several results for one call (`walk`). */
  relation?: boolean;
  /** Deprecated in OPA (still accepted for v0 modules). */
  deprecated?: boolean;
  /** Value changes between evaluations (time, random, network). */
  nondeterministic?: boolean;
}

type Row = [name: string, arity: number, flags?: Partial<Omit<BuiltinSignature, 'name' | 'arity'>>];

const ROWS: Row[] = [
  // operators
  ['assign', 2, { infix: ':=' }],
  ['eq', 2, { infix: '=' }],
  ['equal', 2, { infix: '==' }],
  ['neq', 2, { infix: '!=' }],
  ['lt', 2, { infix: '<' }],
  ['lte', 2, { infix: '<=' }],
  ['gt', 2, { infix: '>' }],
  ['gte', 2, { infix: '>=' }],
  ['plus', 2, { infix: '+' }],
  ['minus', 2, { infix: '-' }],
  ['mul', 2, { infix: '*' }],
  ['div', 2, { infix: '/' }],
  ['rem', 2, { infix: '%' }],
  ['and', 2, { infix: '&' }],
  ['or', 2, { infix: '|' }],
  ['internal.member_2', 2, { infix: 'in' }],
  ['internal.member_3', 3, { infix: 'in' }],
  ['internal.print', 1],
  ['print', 0, { variadic: true }],
  // numbers
  ['abs', 1],
  ['ceil', 1],
  ['floor', 1],
  ['round', 1],
  ['numbers.range', 2],
  ['numbers.range_step', 3],
  ['rand.intn', 2, { nondeterministic: true }],
  // aggregates
  ['count', 1],
  ['sum', 1],
  ['product', 1],
  ['max', 1],
  ['min', 1],
  ['sort', 1],
  ['all', 1, { deprecated: true }],
  ['any', 1, { deprecated: true }],
  // arrays
  ['array.concat', 2],
  ['array.reverse', 1],
  ['array.slice', 3],
  // sets
  ['intersection', 1],
  ['union', 1],
  ['set_diff', 2, { deprecated: true }],
  // objects
  ['object.filter', 2],
  ['object.get', 3],
  ['object.keys', 1],
  ['object.remove', 2],
  ['object.subset', 2],
  ['object.union', 2],
  ['object.union_n', 1],
  ['json.filter', 2],
  ['json.remove', 2],
  ['json.patch', 2],
  // strings
  ['concat', 2],
  ['contains', 2],
  ['endswith', 2],
  ['format_int', 2],
  ['indexof', 2],
  ['indexof_n', 2],
  ['lower', 1],
  ['replace', 3],
  ['split', 2],
  ['sprintf', 2],
  ['startswith', 2],
  ['strings.any_prefix_match', 2],
  ['strings.any_suffix_match', 2],
  ['strings.count', 2],
  ['strings.render_template', 2],
  ['strings.replace_n', 2],
  ['strings.reverse', 1],
  ['substring', 3],
  ['trim', 2],
  ['trim_left', 2],
  ['trim_prefix', 2],
  ['trim_right', 2],
  ['trim_space', 1],
  ['trim_suffix', 2],
  ['upper', 1],
  // regex and glob
  ['regex.match', 2],
  ['regex.is_valid', 1],
  ['regex.split', 2],
  ['regex.find_n', 3],
  ['regex.find_all_string_submatch_n', 3],
  ['regex.globs_match', 2],
  ['regex.template_match', 4],
  ['regex.replace', 3],
  ['re_match', 2, { deprecated: true }],
  ['glob.match', 3],
  ['glob.quote_meta', 1],
  // bits
  ['bits.or', 2],
  ['bits.and', 2],
  ['bits.negate', 1],
  ['bits.xor', 2],
  ['bits.lsh', 2],
  ['bits.rsh', 2],
  // conversions, units, types
  ['to_number', 1],
  ['units.parse', 1],
  ['units.parse_bytes', 1],
  ['is_number', 1],
  ['is_string', 1],
  ['is_boolean', 1],
  ['is_array', 1],
  ['is_set', 1],
  ['is_object', 1],
  ['is_null', 1],
  ['type_name', 1],
  ['cast_array', 1, { deprecated: true }],
  ['cast_set', 1, { deprecated: true }],
  ['cast_string', 1, { deprecated: true }],
  ['cast_boolean', 1, { deprecated: true }],
  ['cast_null', 1, { deprecated: true }],
  ['cast_object', 1, { deprecated: true }],
  // encoding
  ['base64.encode', 1],
  ['base64.decode', 1],
  ['base64.is_valid', 1],
  ['base64url.encode', 1],
  ['base64url.encode_no_pad', 1],
  ['base64url.decode', 1],
  ['urlquery.encode', 1],
  ['urlquery.decode', 1],
  ['urlquery.encode_object', 1],
  ['urlquery.decode_object', 1],
  ['json.marshal', 1],
  ['json.marshal_with_options', 2],
  ['json.unmarshal', 1],
  ['json.is_valid', 1],
  ['json.verify_schema', 1],
  ['json.match_schema', 2],
  ['yaml.marshal', 1],
  ['yaml.unmarshal', 1],
  ['yaml.is_valid', 1],
  ['hex.encode', 1],
  ['hex.decode', 1],
  // tokens
  ['io.jwt.encode_sign_raw', 3, { nondeterministic: true }],
  ['io.jwt.encode_sign', 3, { nondeterministic: true }],
  ['io.jwt.decode', 1],
  ['io.jwt.decode_verify', 2, { nondeterministic: true }],
  ['io.jwt.verify_rs256', 2],
  ['io.jwt.verify_rs384', 2],
  ['io.jwt.verify_rs512', 2],
  ['io.jwt.verify_ps256', 2],
  ['io.jwt.verify_ps384', 2],
  ['io.jwt.verify_ps512', 2],
  ['io.jwt.verify_es256', 2],
  ['io.jwt.verify_es384', 2],
  ['io.jwt.verify_es512', 2],
  ['io.jwt.verify_hs256', 2],
  ['io.jwt.verify_hs384', 2],
  ['io.jwt.verify_hs512', 2],
  // time
  ['time.now_ns', 0, { nondeterministic: true }],
  ['time.parse_ns', 2],
  ['time.parse_rfc3339_ns', 1],
  ['time.parse_duration_ns', 1],
  ['time.format', 1],
  ['time.date', 1],
  ['time.clock', 1],
  ['time.weekday', 1],
  ['time.add_date', 4],
  ['time.diff', 2],
  // crypto
  ['crypto.md5', 1],
  ['crypto.sha1', 1],
  ['crypto.sha256', 1],
  ['crypto.hmac.md5', 2],
  ['crypto.hmac.sha1', 2],
  ['crypto.hmac.sha256', 2],
  ['crypto.hmac.sha512', 2],
  ['crypto.hmac.equal', 2],
  ['crypto.parse_private_keys', 1],
  ['crypto.x509.parse_certificates', 1],
  ['crypto.x509.parse_and_verify_certificates', 1],
  ['crypto.x509.parse_and_verify_certificates_with_options', 2],
  ['crypto.x509.parse_certificate_request', 1],
  ['crypto.x509.parse_keypair', 2],
  ['crypto.x509.parse_rsa_private_key', 1],
  // graphs
  ['walk', 1, { relation: true }],
  ['graph.reachable', 2],
  ['graph.reachable_paths', 2],
  ['graphql.is_valid', 2],
  ['graphql.parse', 2],
  ['graphql.parse_and_verify', 2],
  ['graphql.parse_query', 1],
  ['graphql.parse_schema', 1],
  ['graphql.schema_is_valid', 1],
  // network and environment
  ['http.send', 1, { nondeterministic: true }],
  ['providers.aws.sign_req', 3],
  ['net.cidr_contains', 2],
  ['net.cidr_contains_matches', 2],
  ['net.cidr_expand', 1],
  ['net.cidr_intersects', 2],
  ['net.cidr_merge', 1],
  ['net.cidr_is_valid', 1],
  ['net.cidr_overlap', 2, { deprecated: true }],
  ['net.lookup_ip_addr', 1, { nondeterministic: true }],
  ['uuid.rfc4122', 1, { nondeterministic: true }],
  ['uuid.parse', 1],
  ['semver.is_valid', 1],
  ['semver.compare', 2],
  ['rego.parse_module', 2],
  ['rego.metadata.chain', 0],
  ['rego.metadata.rule', 0],
  ['opa.runtime', 0, { nondeterministic: true }],
  ['trace', 1],
];

export type BuiltinCatalog = ReadonlyMap<string, BuiltinSignature>;

/** Every OPA builtin by its dotted name. */
export const BUILTINS: BuiltinCatalog = new Map(ROWS.map(([name, arity, flags]) => [name, { name, arity, ...flags }]));

/** Builtins OPA's own Wasm runtime implements natively (the rest are host-provided `opa_builtinN` imports). */
export const WASM_NATIVE: ReadonlySet<string> = new Set(
  (
    'abs all and any array.concat array.slice assign base64.decode base64.encode base64.is_valid base64url.decode ' +
    'base64url.encode bits.and bits.lsh bits.negate bits.or bits.rsh bits.xor ceil concat contains count div endswith ' +
    'eq equal floor format_int glob.match graph.reachable gt gte indexof internal.member_2 internal.member_3 ' +
    'intersection is_array is_boolean is_null is_number is_object is_set is_string json.filter json.is_valid ' +
    'json.marshal json.remove json.unmarshal lower lt lte max min minus mul neq net.cidr_contains ' +
    'net.cidr_intersects numbers.range object.filter object.get object.remove object.union or plus product rand.intn ' +
    're_match regex.find_all_string_submatch_n regex.is_valid regex.match rem replace round set_diff sort split ' +
    'sprintf startswith strings.replace_n substring sum time.diff to_number trim trim_left trim_prefix trim_right ' +
    'trim_space trim_suffix type_name union upper walk yaml.is_valid yaml.marshal yaml.unmarshal'
  ).split(' '),
);
