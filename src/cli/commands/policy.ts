// `portcullis policy <subcommand>`: build a bundle from Rego sources, run a policy's `test_*` rules; the
// policy store's publish/list/rollback/active come from src/policy/store/cli.ts, loaded only when named
// so that build and test never load the NATS client.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic, Module } from '../../rego/ast/types.js';
import { writeBundle } from '../../rego/bundle/index.js';
import { buildBundle, compileRego, loadRegoPolicy, RegoEvalError, type SourceFile } from '../../rego/index.js';
import { parseModule } from '../../rego/parser/index.js';
import type { CliCommand } from '../main.js';

interface Subcommand {
  usage: string;
  run(args: string[]): Promise<number>;
}

const subcommands: Record<string, Subcommand> = {
  build: {
    usage: 'policy build <dir-or-files...> -e <entrypoint>... -o <bundle dir | bundle.tar.gz> [--v0-compatible] [--revision <r>]',
    run: build,
  },
  test: {
    usage: 'policy test <dir-or-files...> [--v0-compatible] [-r <regex>]',
    run: test,
  },
};

const storeSubcommandNames = ['publish', 'list', 'rollback', 'active'] as const;

async function storeSubcommands(): Promise<Record<string, Subcommand>> {
  const { policyStoreSubcommands } = await import('../../policy/store/cli.js');
  return policyStoreSubcommands;
}

export const command: CliCommand = {
  summary: 'policy build | test | publish | list | rollback | active — Rego to OPA Wasm bundles, and the policy store',
  async run(args) {
    const [name, ...rest] = args;
    const isStore = (storeSubcommandNames as readonly string[]).includes(name ?? '');
    const sub = name === undefined ? undefined : isStore ? (await storeSubcommands())[name] : subcommands[name];
    if (!sub) {
      const store = await storeSubcommands().catch(() => ({}));
      const all = [...Object.values(subcommands), ...Object.values(store)];
      console.error(['usage:', ...all.map((s) => `  portcullis ${s.usage.replace(/^(policy )?/, 'policy ')}`)].join('\n'));
      return 2;
    }
    return sub.run(rest);
  },
};

/** What a policy directory holds: its .rego sources and the data files merged into one document. */
interface PolicySources {
  files: SourceFile[];
  data: Record<string, unknown>;
}

function collectSources(paths: string[]): PolicySources {
  const files: SourceFile[] = [];
  const data: Record<string, unknown> = {};
  const visit = (root: string, path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name.startsWith('.')) continue;
        visit(root, join(path, name));
      }
      return;
    }
    const shown = relative(process.cwd(), path).split(sep).join('/') || path;
    if (path.endsWith('.rego')) files.push({ path: shown, source: readFileSync(path, 'utf8') });
    else if (/(^|\/)data\.(json|ya?ml)$/.test(path.split(sep).join('/')) && root !== path) {
      // As in a bundle (`opa build -b`): only data.json/data.yaml files, each at its directory's path.
      const dir = relative(root, join(path, '..')).split(sep).filter(Boolean);
      const text = readFileSync(path, 'utf8');
      mergeData(data, dir, (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as unknown);
    }
  };
  for (const p of paths) visit(p, p);
  return { files, data };
}

function mergeData(into: Record<string, unknown>, path: string[], value: unknown): void {
  let node = into;
  for (const key of path) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(node, value);
}

function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const where = d.location.file ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : '';
    console.error(`${where}${d.message}`);
  }
  console.error(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} occurred`);
}

async function build(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        entrypoint: { type: 'string', short: 'e', multiple: true },
        output: { type: 'string', short: 'o' },
        'v0-compatible': { type: 'boolean', default: false },
        revision: { type: 'string' },
      },
    });
  } catch (err) {
    console.error(`policy build: ${(err as Error).message}\nusage: portcullis ${subcommands.build?.usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const entrypoints = (values.entrypoint ?? []).flatMap((e) => e.split(',')).map((e) => e.replace(/^data[./]/, '').replaceAll('.', '/'));
  if (positionals.length === 0 || entrypoints.length === 0 || !values.output) {
    console.error(`policy build: need sources, at least one -e and -o\nusage: portcullis ${subcommands.build?.usage}`);
    return 2;
  }
  let sources: PolicySources;
  try {
    sources = collectSources(positionals);
  } catch (err) {
    console.error(`policy build: ${(err as Error).message}`);
    return 1;
  }
  if (sources.files.length === 0) {
    console.error(`policy build: no .rego files in ${positionals.join(', ')}`);
    return 1;
  }
  const start = performance.now();
  const { bundle, diagnostics } = buildBundle({
    files: sources.files,
    entrypoints,
    regoVersion: values['v0-compatible'] ? 0 : 1,
    data: sources.data,
    ...(values.revision !== undefined ? { revision: values.revision } : {}),
  });
  if (!bundle) {
    printDiagnostics(diagnostics);
    return 1;
  }
  writeBundle(bundle, values.output);
  const size = bundle.wasmModules['/policy.wasm']?.length ?? 0;
  console.log(`wrote ${values.output}: ${sources.files.length} files, entrypoints ${entrypoints.join(', ')}, policy.wasm ${size} bytes (${(performance.now() - start).toFixed(0)} ms)`);
  return 0;
}

interface TestRule {
  /** `data.pkg.test_x` */
  name: string;
  /** `pkg/test_x` */
  entrypoint: string;
}

function testRules(modules: readonly Module[], filter?: RegExp): TestRule[] {
  const seen = new Map<string, TestRule>();
  for (const m of modules) {
    const pkg = m.package.slice(1).map((t) => (t.value.type === 'string' ? t.value.value : ''));
    for (const r of m.rules) {
      const head = r.head.ref[0]?.value;
      if (r.head.ref.length !== 1 || head?.type !== 'var' || !head.name.startsWith('test_')) continue;
      const name = `data.${[...pkg, head.name].join('.')}`;
      if (filter && !filter.test(name)) continue;
      seen.set(name, { name, entrypoint: [...pkg, head.name].join('/') });
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function test(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { 'v0-compatible': { type: 'boolean', default: false }, run: { type: 'string', short: 'r' } },
    });
  } catch (err) {
    console.error(`policy test: ${(err as Error).message}\nusage: portcullis ${subcommands.test?.usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    console.error(`usage: portcullis ${subcommands.test?.usage}`);
    return 2;
  }
  const regoVersion = values['v0-compatible'] ? 0 : 1;
  const sources = collectSources(positionals);
  const modules: Module[] = [];
  const parseErrors: Diagnostic[] = [];
  for (const f of sources.files) {
    const r = parseModule(f.path, f.source, { regoVersion });
    parseErrors.push(...r.diagnostics);
    if (r.module) modules.push(r.module);
  }
  if (parseErrors.length) {
    printDiagnostics(parseErrors);
    return 1;
  }
  const tests = testRules(modules, values.run ? new RegExp(values.run) : undefined);
  if (tests.length === 0) {
    console.log('no tests found');
    return 0;
  }
  const { wasm, diagnostics } = compileRego({ files: sources.files, entrypoints: tests.map((t) => t.entrypoint), regoVersion, data: sources.data });
  if (!wasm) {
    printDiagnostics(diagnostics);
    return 1;
  }
  const policy = await loadRegoPolicy(wasm, sources.data);
  let pass = 0;
  let fail = 0;
  let errors = 0;
  for (const t of tests) {
    const start = performance.now();
    let verdict: 'PASS' | 'FAIL' | 'ERROR';
    let detail = '';
    try {
      const rs = policy.evaluate(undefined, t.entrypoint);
      // As `opa test`: a test passes when it is defined and not false.
      verdict = rs.length > 0 && rs[0]?.result !== false ? 'PASS' : 'FAIL';
    } catch (err) {
      verdict = 'ERROR';
      detail = err instanceof RegoEvalError ? `: ${err.code}: ${err.message}` : `: ${String(err)}`;
    }
    const ms = performance.now() - start;
    if (verdict === 'PASS') pass++;
    else if (verdict === 'FAIL') fail++;
    else errors++;
    console.log(`${t.name}: ${verdict} (${ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : `${ms.toFixed(1)}ms`})${detail}`);
  }
  console.log('-'.repeat(80));
  if (pass) console.log(`PASS: ${pass}/${tests.length}`);
  if (fail) console.log(`FAIL: ${fail}/${tests.length}`);
  if (errors) console.log(`ERROR: ${errors}/${tests.length}`);
  return fail + errors > 0 ? 1 : 0;
}
