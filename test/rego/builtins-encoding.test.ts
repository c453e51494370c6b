// Encoding, JSON, JWT, units and net builtins compiled into the runtime.
import t from 'tap';
import { checkRows, loadRuntime, type Row } from './builtins-harness.js';

const rt = await loadRuntime();
const b64u = (s: string) => Buffer.from(s).toString('base64url');
const jwt = `${b64u('{"alg":"HS256","typ":"JWT"}')}.${b64u('{"sub":"1234567890","iat":1516239022}')}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const nested = `${b64u('{"alg":"HS256","cty":"JWT"}')}.${b64u(JSON.stringify(jwt))}.c2ln`;

const rows: Row[] = [
  ['base64_encode', ['"hello"'], '"aGVsbG8="'],
  ['base64_encode', ['""'], '""'],
  ['base64_decode', ['"aGVsbG8="'], '"hello"'],
  ['base64_decode', ['"aGVs\\nbG8="'], '"hello"'],
  ['base64_decode', ['"aGVsbG8"'], undefined],
  ['base64_decode', ['"a$=="'], undefined],
  ['base64_is_valid', ['"aGVsbG8="'], 'true'],
  ['base64_is_valid', ['"aGVsbG8"'], 'false'],
  ['base64url_encode', ['"\\u00ff\\u00fe?"'], '"w7_Dvj8="'],
  ['base64url_encode_no_pad', ['"hello"'], '"aGVsbG8"'],
  ['base64url_decode', ['"aGVsbG8"'], '"hello"'],
  ['base64url_decode', ['"w7_Dvj8="'], '"\u00ff\u00fe?"'],
  ['base64url_decode', ['"a"'], undefined],
  ['hex_encode', ['"hi"'], '"6869"'],
  ['hex_decode', ['"6869"'], '"hi"'],
  ['hex_decode', ['"686"'], undefined],
  ['urlquery_encode', ['"a b&c=d/é"'], '"a+b%26c%3Dd%2F%C3%A9"'],
  ['urlquery_decode', ['"a+b%26c%3d"'], '"a b&c="'],
  ['urlquery_decode', ['"%zz"'], undefined],
  ['urlquery_encode_object', ['{"b": ["x y", "z"], "a": "1", "c": {"q"}}'], '"a=1&b=x+y&b=z&c=q"'],
  ['urlquery_encode_object', ['{"a": 1}'], undefined],
  ['urlquery_decode_object', ['"a=1&b=2&a=3&c"'], '{"a":["1","3"],"b":["2"],"c":[""]}'],
  ['json_marshal', ['{"b": [1, 2.5, "<a&b>"], "a": {3, 1}}'], '"{\\"a\\":[1,3],\\"b\\":[1,2.5,\\"\\\\u003ca\\\\u0026b\\\\u003e\\"]}"'],
  ['json_marshal_with_options', ['{"a": [1]}', '{"pretty": true, "indent": "  "}'], '"{\\n  \\"a\\": [\\n    1\\n  ]\\n}"'],
  ['json_unmarshal', ['"{\\"x\\": [1, true, null]}"'], '{"x":[1,true,null]}'],
  ['json_unmarshal', ['"{"'], undefined],
  ['json_is_valid', ['"[1,2]"'], 'true'],
  ['json_is_valid', ['"[1,"'], 'false'],
  ['json_is_valid', ['1'], 'false'],
  ['io_jwt_decode', [JSON.stringify(jwt)], '[{"alg":"HS256","typ":"JWT"},{"iat":1516239022,"sub":"1234567890"},"49f94ac7044948c78a285d904f87f0a4c7897f7e8f3a4eb2255fda750b2cc397"]'],
  ['io_jwt_decode', [JSON.stringify(nested)], '[{"alg":"HS256","typ":"JWT"},{"iat":1516239022,"sub":"1234567890"},"49f94ac7044948c78a285d904f87f0a4c7897f7e8f3a4eb2255fda750b2cc397"]'],
  ['io_jwt_decode', ['"a.b"'], undefined],
  ['io_jwt_decode', [JSON.stringify(`${b64u('{"alg":"x","enc":"A128GCM"}')}.${b64u('{}')}.`)], undefined],
  ['io_jwt_decode', [JSON.stringify(`${b64u('[1]')}.${b64u('{}')}.`)], undefined],
  ['units_parse_bytes', ['"10KB"'], '10000'],
  ['units_parse_bytes', ['"1.5Gi"'], '1610612736'],
  ['units_parse_bytes', ['"\\"5MiB\\""'], '5242880'],
  ['units_parse_bytes', ['"12 MiB"'], undefined],
  ['units_parse_bytes', ['"1e3"'], '1000'],
  ['units_parse_bytes', ['"foo"'], undefined],
  ['units_parse_bytes', ['"1xb"'], undefined],
  ['units_parse', ['"1.5m"'], '0.0015000000'],
  ['units_parse', ['"2M"'], '2000000'],
  ['units_parse', ['"1Ki"'], '1024'],
  ['units_parse', ['"100"'], '100'],
  ['net_cidr_contains', ['"10.0.0.0/8"', '"10.1.2.3"'], 'true'],
  ['net_cidr_contains', ['"10.0.0.0/8"', '"11.1.2.3"'], 'false'],
  ['net_cidr_contains', ['"10.0.0.0/8"', '"10.1.0.0/16"'], 'true'],
  ['net_cidr_contains', ['"10.0.0.0/16"', '"10.0.0.0/8"'], 'false'],
  ['net_cidr_contains', ['"2001:4860:4860::8888/32"', '"2001:4860:4860:1234::8888"'], 'true'],
  ['net_cidr_contains', ['"2001:4860::/32"', '"2001:4861::1"'], 'false'],
  ['net_cidr_contains', ['"10.0.0.0/8"', '"::ffff:10.0.0.1"'], 'true'],
  ['net_cidr_contains', ['"fd00::/8"', '"10.0.0.1"'], 'false'],
  ['net_cidr_contains', ['"bad"', '"10.0.0.1"'], undefined],
  ['net_cidr_contains', ['"10.0.0.0/33"', '"10.0.0.1"'], undefined],
  ['net_cidr_contains', ['"10.0.0.0/8"', '"010.0.0.1"'], undefined],
  ['net_cidr_intersects', ['"192.168.0.0/16"', '"192.168.1.0/24"'], 'true'],
  ['net_cidr_intersects', ['"192.168.0.0/24"', '"192.168.1.0/24"'], 'false'],
  ['net_cidr_is_valid', ['"::1/128"'], 'true'],
  ['net_cidr_is_valid', ['"1.2.3.4"'], 'false'],
];

t.test('encoding, json, jwt, units and net builtins', async (t) => {
  checkRows(t, rt, rows);
});
