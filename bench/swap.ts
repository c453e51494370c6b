// `npm run bench -- swap [--seconds 4] [--concurrency 64] [--every 250] [--workers 1]`: decision latency and
// throughput of the policy pool while the active bundle is swapped again and again through the policy
// store (publish → watcher → load in every worker → flip), against the same load with no swaps.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectBus } from '../src/bus/index.js';
import { createPolicyPool, defaultPolicyDir, type PolicyPool } from '../src/policy/index.js';
import { PolicyBundleWatcher, PolicyStore } from '../src/policy/store/index.js';
import { encodeBundleArchive } from '../src/rego/bundle/index.js';
import { buildBundle } from '../src/rego/index.js';
import { startNats } from './lib/nats.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Phase {
  name: string;
  decisions: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  swaps: number;
  versions: number;
}

function pbacArchive(label: string): Uint8Array {
  const dir = defaultPolicyDir();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ path: f, source: readFileSync(join(dir, f), 'utf8') }));
  const { bundle, diagnostics } = buildBundle({ files, entrypoints: ['portcullis/token', 'portcullis/introspect'], data: { bench_label: label } });
  if (!bundle) throw new Error(`policies/pbac does not compile: ${JSON.stringify(diagnostics[0])}`);
  return encodeBundleArchive(bundle);
}

async function load(pool: PolicyPool, input: unknown, seconds: number, concurrency: number, during?: () => Promise<number>): Promise<Phase> {
  const lat: number[] = [];
  const versions = new Set<string>();
  let errors = 0;
  let stop = false;
  const t0 = performance.now();
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stop) {
      try {
        const r = await pool.decide('portcullis/token', input);
        lat.push(r.latencyUs);
        versions.add(r.version);
      } catch {
        errors++;
      }
    }
  });
  const swapping = during?.();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(loops);
  const elapsed = (performance.now() - t0) / 1000;
  const swaps = (await swapping) ?? 0;
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
  return { name: during ? 'swapping' : 'no swaps', decisions: lat.length, errors, seconds: elapsed, p50: pct(0.5), p99: pct(0.99), max: lat[lat.length - 1] ?? 0, swaps, versions: versions.size };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '4' },
      concurrency: { type: 'string', default: '64' },
      every: { type: 'string', default: '250' },
      workers: { type: 'string', default: '1' },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const everyMs = Number(values.every);
  const input = JSON.parse(readFileSync(join(here, 'fixtures', 'pbac-product', 'input.json'), 'utf8')) as unknown;
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  try {
    const store = await PolicyStore.open(bus);
    const a = (await store.publish(pbacArchive('a'), { who: 'bench' })).record.version;
    const b = (await store.publish(pbacArchive('b'), { who: 'bench', activate: false })).record.version;
    await store.activate(a, 'bench', 'activate');
    const pool = await createPolicyPool({ bundle: (await store.load(a)).policy, workers: Number(values.workers) });
    const watcher = new PolicyBundleWatcher(store, pool, { log: () => undefined });
    await watcher.start();
    const oauthConfig = (JSON.parse(readFileSync(join(here, 'fixtures', 'pbac-product', 'data.json'), 'utf8')) as { oauth_config: unknown }).oauth_config;
    await pool.setData(oauthConfig);
    console.log(`policy pool: ${values.workers} worker(s), ${concurrency} concurrent deciders, ${seconds} s per phase; swaps every ${everyMs} ms through the store`);
    await load(pool, input, 1, concurrency); // warm-up
    const none = await load(pool, input, seconds, concurrency);
    const swapping = await load(pool, input, seconds, concurrency, async () => {
      let n = 0;
      const until = performance.now() + seconds * 1000 - everyMs;
      while (performance.now() < until) {
        const target = n % 2 === 0 ? b : a;
        await store.activate(target, 'bench', 'activate');
        await watcher.waitFor(target, 10_000);
        n++;
        await new Promise((r) => setTimeout(r, everyMs));
      }
      return n;
    });
    console.log(`\n${'phase'.padEnd(10)} ${'decisions/s'.padStart(12)} ${'p50 µs'.padStart(9)} ${'p99 µs'.padStart(9)} ${'max µs'.padStart(9)} ${'errors'.padStart(7)} ${'swaps'.padStart(6)} ${'versions'.padStart(9)}`);
    for (const p of [none, swapping]) {
      console.log(
        `${p.name.padEnd(10)} ${(p.decisions / p.seconds).toFixed(0).padStart(12)} ${p.p50.toFixed(0).padStart(9)} ${p.p99.toFixed(0).padStart(9)} ${p.max.toFixed(0).padStart(9)} ${String(p.errors).padStart(7)} ${String(p.swaps).padStart(6)} ${String(p.versions).padStart(9)}`,
      );
    }
    const ratio = swapping.decisions / swapping.seconds / (none.decisions / none.seconds);
    console.log(`\nthroughput during swaps: ${(ratio * 100).toFixed(0)} % of none; p99 ${(swapping.p99 / Math.max(1, none.p99)).toFixed(2)}× ; failed decisions: ${swapping.errors}; watcher failures: ${watcher.status().failures}`);
    watcher.stop();
    await pool.close();
  } finally {
    await bus.close();
    await nats.stop();
  }
}
