// net.cidr_expand and net.cidr_merge, host builtins as in OPA's Wasm: Go's CIDR parsing and address
// text, classful default masks for bare IPv4 addresses, and a bound on expansion.
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';
import { BuiltinError } from '../../src/rego/lib/builtin-error.js';
import { formatIp, MAX_CIDR_EXPANSION, parseCidr } from '../../src/rego/lib/host-net.js';

const { builtins } = createHostBuiltins();
const expand = builtins['net.cidr_expand'] as (c: unknown) => string[];
const merge = builtins['net.cidr_merge'] as (c: unknown) => string[];

t.test('expands IPv4 and IPv6 networks from any address inside them', async (t) => {
  t.same(expand('192.168.1.1/30'), ['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3']);
  t.same(expand('10.1.2.3/32'), ['10.1.2.3']);
  t.same(expand('2001:db8::ff/127'), ['2001:db8::fe', '2001:db8::ff']);
  t.same(expand('::ffff:1.2.3.4/127'), ['1.2.3.4', '1.2.3.5'], 'IPv4-mapped addresses print as IPv4, as Go does');
  t.equal(expand('10.0.0.0/16').length, 65536);
});

t.test('Go address text and parsing', async (t) => {
  const text = (s: string) => {
    const c = parseCidr(s);
    return c && formatIp(c.network, c.bits);
  };
  t.equal(text('1:0:0:1:0:0:0:1/128'), '1:0:0:1::1', 'the first longest zero run is compressed');
  t.equal(text('1:2:0:4:5:6:7:8/128'), '1:2:0:4:5:6:7:8', 'a single zero group is not');
  t.equal(text('::/0'), '::');
  for (const bad of ['01.2.3.4/8', '1.2.3.4/33', '256.1.1.1/8', '::1::/64', '1.2.3.4', '1:2:3:4:5:6:7/64', 'x/8', '1.2.3.4/-1']) t.equal(parseCidr(bad), undefined, bad);
});

t.test('errors', async (t) => {
  t.throws(() => expand('192.168.1.1/33'), new BuiltinError('net.cidr_expand: invalid CIDR address: 192.168.1.1/33'));
  t.throws(() => expand(1), { code: 'eval_type_error' });
  t.throws(() => expand('10.0.0.0/8'), { code: 'eval_builtin_error', message: `net.cidr_expand: 10.0.0.0/8 has more than ${MAX_CIDR_EXPANSION} addresses` });
});

t.test('net.cidr_merge: overlapping and adjacent networks, per family, as the fewest CIDRs', async (t) => {
  t.same(merge(['10.0.0.0/25', '10.0.0.128/25', '10.0.1.0/24']), ['10.0.0.0/23']);
  t.same(merge(['10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/29']), ['10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/29'], 'adjacent but not alignable');
  t.same(merge(['10.0.0.0/8', '10.1.2.0/24']), ['10.0.0.0/8'], 'contained');
  t.same(merge(['2001:db8::/33', '2001:db8:8000::/33', '10.0.0.0/24']), ['10.0.0.0/24', '2001:db8::/32']);
  t.same(merge(['10.1.2.3', '172.16.5.4', '192.168.1.1']), ['10.0.0.0/8', '172.16.0.0/16', '192.168.1.0/24'], 'bare IPv4: class A, B, C masks');
  t.same(merge([]), []);
  t.throws(() => merge(['2001:db8::1']), { code: 'eval_builtin_error', message: 'net.cidr_merge: IPv6 invalid: needs prefix length' });
  t.throws(() => merge(['10.0.0.0/8', 'nope']), { message: 'net.cidr_merge: invalid CIDR address: nope' });
  t.throws(() => merge([1]), { message: 'net.cidr_merge: element must be string' });
  t.throws(() => merge('10.0.0.0/8'), { code: 'eval_type_error' });
});
