// Instantiates build/rego-runtime.wasm on its own and calls compiled-in builtins (b_*) with values
// parsed from Rego literal text, returning the result dumped as Rego text (or undefined).
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export interface Runtime {
  /** Calls b_<name> on args given as Rego literals; returns the result as Rego text, or undefined. */
  call(name: string, ...args: string[]): string | undefined;
  /** Same, dumping the result as JSON text. */
  callJson(name: string, ...args: string[]): string | undefined;
  has(name: string): boolean;
}

export async function loadRuntime(): Promise<Runtime> {
  // built by scripts/build-runtime.mjs (npm test builds first)
  const bytes = readFileSync(join(root, 'build', 'rego-runtime.wasm'));
  const memory = new WebAssembly.Memory({ initial: 4 });
  const cstr = (p: number): string => {
    const m = new Uint8Array(memory.buffer);
    let e = p;
    while (m[e] !== 0) e++;
    return new TextDecoder().decode(m.subarray(p, e));
  };
  const env = {
    memory,
    opa_abort: (p: number) => { throw new Error(cstr(p)); },
    opa_println: (p: number) => { console.log(cstr(p)); },
    opa_builtin0: () => 0, opa_builtin1: () => 0, opa_builtin2: () => 0, opa_builtin3: () => 0, opa_builtin4: () => 0,
  };
  const { instance } = await WebAssembly.instantiate(bytes, { env });
  const x = instance.exports as Record<string, (...a: number[]) => number>;
  const enc = new TextEncoder();
  const parse = (text: string): number => {
    const b = enc.encode(text);
    const p = x.opa_malloc(b.length);
    new Uint8Array(memory.buffer).set(b, p);
    const v = x.opa_value_parse(p, b.length);
    if (v === 0) throw new Error(`cannot parse test value: ${text}`);
    return v;
  };
  const run = (dump: string, name: string, args: string[]): string | undefined => {
    const f = x[`b_${name}`];
    if (typeof f !== 'function') throw new Error(`runtime has no b_${name}`);
    const base = x.opa_heap_ptr_get();
    try {
      const r = f(...args.map(parse));
      return r === 0 ? undefined : cstr(x[dump](r));
    } finally {
      x.opa_heap_ptr_set(base);
    }
  };
  return {
    call: (name, ...args) => run('opa_value_dump', name, args),
    callJson: (name, ...args) => run('opa_json_dump', name, args),
    has: (name) => typeof x[`b_${name}`] === 'function',
  };
}

/** A table row: builtin name, Rego-literal args, expected result as dumped Rego text (undefined = undefined). */
export type Row = [name: string, args: string[], want: string | undefined];

/** Checks every row; the message names the call, so a failure reads like the Rego expression. */
export function checkRows(t: Test, rt: Runtime, rows: Row[]): void {
  for (const [name, args, want] of rows) {
    t.equal(rt.call(name, ...args), want, `b_${name}(${args.join(', ')})`);
  }
}
