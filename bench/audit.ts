// `npm run bench -- audit [--seconds 4] [--concurrency 64] [--rate 8000]`: what recording every decision
// costs. The same decision load through the policy pool with the audit log off and on (batched, pipelined,
// acknowledged appends to a real JetStream stream): first closed-loop (as fast as it goes), then at a fixed
// rate, where CPU per decision compares like with like (on this shared box throughput is noisy). The
// issue's token-path figure (`bench -- token` with audit on and off) needs the server wiring.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AuditLog, auditStream, auditingPool, ensureAuditStream } from '../src/audit/index.js';
import { JetStreamPipeline, connectBus } from '../src/bus/index.js';
import { type DecisionResult, createPolicyPool, loadDefaultBundle } from '../src/policy/index.js';
import { startNats } from './lib/nats.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Pool {
  decide(entrypoint: string, input: unknown): Promise<DecisionResult | { result: unknown; version: string; latencyUs: number }>;
}

async function phase(name: string, pool: Pool, input: unknown, seconds: number, concurrency: number, rate?: number): Promise<string> {
  const lat: number[] = [];
  let errors = 0;
  let stop = false;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const one = async (): Promise<void> => {
    try {
      lat.push((await pool.decide('portcullis/token', input)).latencyUs);
    } catch {
      errors++;
    }
  };
  let loops: Promise<unknown>[];
  if (rate === undefined) {
    loops = Array.from({ length: concurrency }, async () => {
      while (!stop) await one();
    });
  } else {
    // Open loop: every millisecond, the decisions due by now.
    const started: Promise<void>[] = [];
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      while (sent < due && !stop) {
        started.push(one());
        sent++;
      }
    }, 1);
    loops = [new Promise<void>((r) => setTimeout(r, seconds * 1000)).then(() => clearInterval(timer)).then(() => Promise.all(started))];
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(loops);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
  // Main-thread CPU only (user+system of the process includes the worker threads; subtracting is not
  // possible from here, so this is the whole process per decision).
  const cpuUsPerDecision = (cpu.user + cpu.system) / Math.max(1, lat.length);
  return `${(rate === undefined ? `${name} max` : `${name} @${rate}/s`).padEnd(14)} ${(lat.length / elapsed).toFixed(0).padStart(12)} ${pct(0.5).toFixed(0).padStart(8)} ${pct(0.99).toFixed(0).padStart(8)} ${cpuUsPerDecision.toFixed(1).padStart(14)} ${String(errors).padStart(7)}`;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '64' }, rate: { type: 'string', default: '8000' } },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const input = JSON.parse(readFileSync(join(here, 'fixtures', 'pbac-product', 'input.json'), 'utf8')) as unknown;
  const oauthConfig = (JSON.parse(readFileSync(join(here, 'fixtures', 'pbac-product', 'data.json'), 'utf8')) as { oauth_config: unknown }).oauth_config;
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 20_000 });
  const pool = await createPolicyPool({ bundle: await loadDefaultBundle(), workers: 1 });
  try {
    await pool.setData(oauthConfig);
    await ensureAuditStream(bus);
    const audit = new AuditLog(pipeline);
    const audited = auditingPool(pool, audit);
    console.log(`policy pool: 1 worker, ${concurrency} concurrent deciders, ${seconds} s per phase, input ${JSON.stringify(input).length} bytes`);
    await phase('warm-up', pool, input, 1, concurrency);
    console.log(`\n${'audit'.padEnd(14)} ${'decisions/s'.padStart(12)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'cpu µs/decision'.padStart(14)} ${'errors'.padStart(7)}`);
    console.log(await phase('off', pool, input, seconds, concurrency));
    console.log(await phase('on', audited, input, seconds, concurrency));
    console.log(await phase('off', pool, input, seconds, concurrency, rate));
    console.log(await phase('on', audited, input, seconds, concurrency, rate));
    console.log(await phase('off', pool, input, seconds, concurrency, rate));
    // The audit's own CPU, alone: records in bursts of 64 per event-loop turn (as decisions come back from
    // a worker batch), through encode, batching, pipelined append and acknowledgement.
    const decision = await pool.decide('portcullis/token', input);
    const own = new AuditLog(pipeline);
    const cpu0 = process.cpuUsage();
    const rounds = 500;
    for (let k = 0; k < rounds; k++) {
      for (let i = 0; i < 64; i++) own.record({ phase: 'token', outcome: 'allow', input, output: decision.result, policyVersion: decision.version, latencyUs: decision.latencyUs });
      await new Promise((r) => setImmediate(r));
    }
    await own.flush(20_000);
    const cpu = process.cpuUsage(cpu0);
    console.log(`\naudit's own CPU: ${((cpu.user + cpu.system) / (rounds * 64)).toFixed(1)} µs per decision recorded (${rounds * 64} records, bursts of 64)`);
    const flushed = await audit.flush(20_000);
    const stats = audit.stats();
    const stored = (await bus.jsm.streams.info(auditStream)).state;
    console.log(`\naudit: ${stats.recorded} recorded, ${stats.acknowledged} acknowledged${flushed ? '' : ' (not all flushed)'}, ${stats.dropped} dropped, ${stats.retries} retries; stream ${stored.messages} records, ${(stored.bytes / Math.max(1, stored.messages)).toFixed(0)} B each`);
  } finally {
    await pool.close();
    pipeline.close();
    await bus.close();
    await nats.stop();
  }
}
