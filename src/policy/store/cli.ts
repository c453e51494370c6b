// `portcullis policy publish | list | rollback | active`: the operator's side of the policy store.
// Each is a subcommand entry ({usage, run}) for src/cli/commands/policy.ts's table; all print what
// they did, or JSON with --json, and exit non-zero with the reason when refused.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, relative, sep } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type BusConnection, connectBus } from '../../bus/index.js';
import { loadConfig } from '../../config/index.js';
import { type Bundle, isArchivePath, readBundle } from '../../rego/bundle/index.js';
import { definedPaths, optionalEntrypoints, requiredEntrypoints } from './check-bundle.js';
import { PolicyStoreError } from './errors.js';
import { type ActivePointer, PolicyStore, type PolicyVersion } from './policy-store.js';

export interface PolicyStoreSubcommand {
  usage: string;
  run(args: string[]): Promise<number>;
}

const common = {
  nats: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function defaultWho(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return `${name}@${hostname()}`;
}

async function withStore<T>(natsUrl: string | undefined, fn: (store: PolicyStore) => Promise<T>): Promise<T> {
  const servers = natsUrl ?? loadConfig().natsUrl;
  const bus: BusConnection = await connectBus({ servers, name: 'portcullis-cli', reconnect: false, timeoutMs: 5000 });
  try {
    return await fn(await PolicyStore.open(bus));
  } finally {
    await bus.close();
  }
}

/** Runs a subcommand body, mapping refusals and usage errors to exit codes (1 and 2). */
async function guarded(name: string, usage: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`policy ${name}: ${err.message}\nusage: portcullis ${usage}`);
      return 2;
    }
    const code = err instanceof PolicyStoreError ? ` [${err.code}]` : '';
    console.error(`policy ${name}: ${err instanceof Error ? err.message : String(err)}${code}`);
    return 1;
  }
}

class UsageError extends Error {}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, allowPositionals: true });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

// ---- publish ---------------------------------------------------------------------------------------

/** Rego sources of a directory (tests left out) and its data.json files merged by directory. */
function collectRego(dir: string): { files: { path: string; source: string }[]; data: Record<string, unknown> } {
  const files: { path: string; source: string }[] = [];
  const data: Record<string, unknown> = {};
  const visit = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (name.endsWith('.rego') && !name.endsWith('_test.rego')) files.push({ path: relative(dir, full).split(sep).join('/'), source: readFileSync(full, 'utf8') });
      else if (name === 'data.json') {
        let node = data;
        for (const key of relative(dir, path).split(sep).filter(Boolean)) {
          if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
          node = node[key] as Record<string, unknown>;
        }
        Object.assign(node, JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>);
      }
    }
  };
  visit(dir);
  return { files, data };
}

function isBundleDir(dir: string): boolean {
  return existsSync(join(dir, '.manifest')) || existsSync(join(dir, 'policy.wasm'));
}

/** A bundle from a .tar.gz, a bundle directory, or a directory of .rego compiled here. */
async function bundleFrom(path: string, extraEntrypoints: string[], regoVersion: 0 | 1, revision: string | undefined, say: (line: string) => void): Promise<Bundle | Uint8Array> {
  if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) {
    if (!isArchivePath(path)) throw new UsageError(`${path} is neither a directory nor a .tar.gz bundle`);
    say(`reading ${path}`);
    return new Uint8Array(readFileSync(path));
  }
  if (isBundleDir(path)) {
    say(`reading bundle directory ${path}`);
    try {
      return readBundle(path);
    } catch (err) {
      throw new PolicyStoreError('bundle_invalid', (err as Error).message, { cause: err });
    }
  }
  const { files, data } = collectRego(path);
  if (files.length === 0) throw new UsageError(`${path} holds no bundle and no .rego files`);
  const defined = definedPaths(files, regoVersion);
  const entrypoints = [...new Set([...requiredEntrypoints, ...optionalEntrypoints.filter((e) => defined.has(e)), ...extraEntrypoints])];
  say(`compiling ${files.length} .rego file${files.length === 1 ? '' : 's'} from ${path} (entrypoints ${entrypoints.join(', ')})`);
  const t0 = performance.now();
  const { buildBundle, formatDiagnostic } = await import('../../rego/index.js');
  const { bundle, diagnostics } = buildBundle({ files, entrypoints, data, regoVersion, ...(revision !== undefined ? { revision } : {}) });
  if (!bundle) throw new PolicyStoreError('bundle_compile_failed', `compilation failed:\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
  say(`compiled: policy.wasm ${bundle.wasmModules['/policy.wasm']?.length ?? 0} bytes in ${(performance.now() - t0).toFixed(0)} ms`);
  return bundle;
}

const publishUsage = 'policy publish <bundle.tar.gz | bundle dir | .rego dir> [--who <name>] [--no-activate] [-e <extra entrypoint>]... [--v0-compatible] [--revision <r>] [--nats <url>] [--json]';

async function publish(args: string[]): Promise<number> {
  return guarded('publish', publishUsage, async () => {
    const { values, positionals } = parse(args, {
      ...common,
      who: { type: 'string' },
      'no-activate': { type: 'boolean', default: false },
      entrypoint: { type: 'string', short: 'e', multiple: true },
      'v0-compatible': { type: 'boolean', default: false },
      revision: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('name exactly one bundle or directory');
    const json = values.json === true;
    const say = (line: string): void => {
      if (!json) console.log(line);
    };
    const extra = ((values.entrypoint as string[] | undefined) ?? []).flatMap((e) => e.split(',')).map((e) => e.replace(/^data[./]/, '').replaceAll('.', '/'));
    const input = await bundleFrom(positionals[0] as string, extra, values['v0-compatible'] ? 0 : 1, values.revision as string | undefined, say);
    const result = await withStore(values.nats as string | undefined, (store) =>
      store.publish(input, {
        who: (values.who as string | undefined) ?? defaultWho(),
        activate: values['no-activate'] !== true,
        onProgress: (step, detail) => say(`${step}: ${detail}`),
      }),
    );
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      const r = result.record;
      say(`${result.created ? 'published' : 'already published'} ${r.version} (${r.size} bytes, entrypoints ${r.entrypoints.join(', ')})`);
      say(result.active ? `active: ${result.active.version}${result.active.previous && result.active.previous !== r.version ? ` (was ${result.active.previous})` : ''}` : 'not activated (--no-activate)');
    }
    return 0;
  });
}

// ---- list, active, rollback --------------------------------------------------------------------------

function versionLine(v: PolicyVersion, active: string | null): string {
  const mark = v.version === active ? '*' : ' ';
  return `${mark} ${v.version}  ${v.time}  ${v.who.padEnd(20)}  ${String(v.size).padStart(8)} B  ${v.entrypoints.join(',')}${v.unchecked ? '  (unchecked)' : ''}`;
}

const listUsage = 'policy list [--nats <url>] [--json]';

async function list(args: string[]): Promise<number> {
  return guarded('list', listUsage, async () => {
    const { values } = parse(args, common);
    const { versions, active } = await withStore(values.nats as string | undefined, async (store) => ({ versions: await store.list(), active: await store.active() }));
    if (values.json) console.log(JSON.stringify({ active: active?.version ?? null, versions }, null, 2));
    else if (versions.length === 0) console.log('no policy version published');
    else for (const v of versions) console.log(versionLine(v, active?.version ?? null));
    return 0;
  });
}

function pointerLine(p: ActivePointer): string {
  return `active: ${p.version} (${p.reason} by ${p.who} at ${p.time}${p.previous ? `, was ${p.previous}` : ''})`;
}

const activeUsage = 'policy active [--nats <url>] [--json]';

async function active(args: string[]): Promise<number> {
  return guarded('active', activeUsage, async () => {
    const { values } = parse(args, common);
    const result = await withStore(values.nats as string | undefined, async (store) => {
      const pointer = await store.active();
      return { pointer, record: pointer ? await store.get(pointer.version) : null, hosts: await store.hostReports() };
    });
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else if (!result.pointer) console.log('no policy version is active (hosts run their built-in policy)');
    else {
      console.log(pointerLine(result.pointer));
      if (result.record) console.log(versionLine(result.record, result.pointer.version));
    }
    if (!values.json) {
      for (const h of result.hosts) {
        const state = h.running === result.pointer?.version ? 'on it' : `running ${h.running}${h.error ? `: ${h.error}` : ''}`;
        console.log(`  host ${h.host}: ${state} (reported ${h.time})`);
      }
    }
    return 0;
  });
}

const rollbackUsage = 'policy rollback <version or unique prefix> [--who <name>] [--nats <url>] [--json]';

async function rollback(args: string[]): Promise<number> {
  return guarded('rollback', rollbackUsage, async () => {
    const { values, positionals } = parse(args, { ...common, who: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('name exactly one version');
    const pointer = await withStore(values.nats as string | undefined, (store) => store.activate(positionals[0] as string, (values.who as string | undefined) ?? defaultWho(), 'rollback'));
    console.log(values.json ? JSON.stringify(pointer, null, 2) : pointerLine(pointer));
    return 0;
  });
}

/** The four subcommands, to be merged into `portcullis policy`'s table. */
export const policyStoreSubcommands: Record<'publish' | 'list' | 'rollback' | 'active', PolicyStoreSubcommand> = {
  publish: { usage: publishUsage, run: publish },
  list: { usage: listUsage, run: list },
  rollback: { usage: rollbackUsage, run: rollback },
  active: { usage: activeUsage, run: active },
};
