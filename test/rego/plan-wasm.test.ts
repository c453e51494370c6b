// Planned policies end to end: parsed, checked, planned, compiled by the Wasm back end and evaluated
// by the OPA SDK (@open-policy-agent/opa-wasm), with the reference IR interpreter giving the same answer.
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Policy } from '../../src/rego/plan/ir.js';
import { interpret } from '../helpers/ir-interpreter.js';
import { planPolicy } from '../helpers/plan-policy.js';
import { generateWasm } from '../../src/rego/wasm/index.js';

function compile(source: string, entrypoints: string[]): Policy {
  return planPolicy(source, entrypoints, 'policy.rego');
}

const POLICY = `package authz

default allow := false

allow if {
	some grant in data.grants[input.client]
	grant.resource == input.resource
	input.action in grant.actions
	not denied
}

denied if input.client in data.deny

scopes contains s if {
	some grant in data.grants[input.client]
	some s in grant.scopes
}

ttl := t if {
	every s in scopes { s != "admin" }
	t := 3600
} else := 300

obligations[k] := v if {
	some k, v in {"log": true, "mfa": "admin" in scopes}
}
`;

const data = {
  grants: {
    c1: [{ resource: 'r1', actions: ['read'], scopes: ['read'] }],
    c2: [{ resource: 'r1', actions: ['read', 'write'], scopes: ['read', 'admin'] }],
  },
  deny: ['c3'],
};

const inputs = [
  { client: 'c1', resource: 'r1', action: 'read' },
  { client: 'c1', resource: 'r1', action: 'write' },
  { client: 'c2', resource: 'r1', action: 'write' },
  { client: 'c3', resource: 'r1', action: 'read' },
];

const sortDeep = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortDeep).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortDeep(x)]))
      : v;

t.test('a token policy gives the same decisions in Wasm as in the IR interpreter', async (t) => {
  const entrypoints = ['authz/allow', 'authz/scopes', 'authz/ttl', 'authz/obligations', 'authz'];
  const policy = compile(POLICY, entrypoints);
  const wasm = generateWasm(policy);
  const loaded = await loadPolicy(wasm.slice().buffer as ArrayBuffer);
  loaded.setData(data);
  for (const input of inputs) {
    for (const e of entrypoints) {
      const got = loaded.evaluate(input, e);
      const want = interpret(policy, e, input, data);
      t.same(sortDeep(got), sortDeep(want), `${e} for ${input.client}/${input.action}`);
    }
  }
  t.same(loaded.evaluate(inputs[0], 'authz/allow'), [{ result: true }]);
  t.same(loaded.evaluate(inputs[1], 'authz/allow'), [{ result: false }]);
  t.same(loaded.evaluate(inputs[2], 'authz/ttl'), [{ result: 300 }]);
  t.same(sortDeep(loaded.evaluate(inputs[2], 'authz/obligations')), [{ result: { log: true, mfa: true } }]);
});

t.test('conflicts surface as evaluation errors from the Wasm module', async (t) => {
  const policy = compile('package c\n\np := x if some x in input.xs\n', ['c/p']);
  const loaded = await loadPolicy(generateWasm(policy).slice().buffer as ArrayBuffer);
  t.same(loaded.evaluate({ xs: [1, 1] }, 'c/p'), [{ result: 1 }]);
  t.throws(() => loaded.evaluate({ xs: [1, 2] }, 'c/p'));
});
