// One measured load run against one target: warm up, sample CPU, load with wrk, sample CPU again.
import { cpuSeconds, threadCpuSeconds } from './proc.js';
import type { BenchTarget } from './target.js';
import { runWrk, type HttpRequestSpec, type LoadResult } from './wrk.js';

export interface Measurement extends LoadResult {
  target: string;
  /** CPU seconds of the target's process tree during the measured run. */
  cpuSeconds: number;
  /** cpuSeconds / wall seconds, in cores (1.0 = one core busy). */
  cpuCores: number;
  /**
   * Of those, the target's main thread (its JavaScript event loop): near 1.0 it is the limit, whatever
   * the other threads and the box have to spare.
   */
  mainThreadCores: number;
  /** CPU microseconds per successful request. */
  cpuUsPerRequest: number;
  /** CPU cores used by each helper process (e.g. nats-server) during the run. */
  helperCores: { name: string; cores: number }[];
}

export async function measure(
  target: BenchTarget,
  requests: HttpRequestSpec[],
  opts: { connections: number; durationSeconds: number; warmupSeconds: number },
): Promise<Measurement> {
  if (opts.warmupSeconds > 0) {
    await runWrk({ url: target.url, requests, connections: opts.connections, durationSeconds: opts.warmupSeconds });
  }
  const helpers = target.helpers ?? [];
  const before = cpuSeconds(target.pid);
  const mainBefore = threadCpuSeconds(target.pid);
  const helpersBefore = helpers.map((h) => cpuSeconds(h.pid));
  const load = await runWrk({ url: target.url, requests, connections: opts.connections, durationSeconds: opts.durationSeconds });
  const cpu = cpuSeconds(target.pid) - before;
  const mainThread = threadCpuSeconds(target.pid) - mainBefore;
  const helperCores = helpers.map((h, i) => ({ name: h.name, cores: (cpuSeconds(h.pid) - (helpersBefore[i] ?? 0)) / load.seconds }));
  const ok = Math.max(1, load.requests - load.non2xx);
  return {
    ...load,
    target: target.name,
    cpuSeconds: cpu,
    cpuCores: cpu / load.seconds,
    mainThreadCores: mainThread / load.seconds,
    cpuUsPerRequest: (cpu * 1e6) / ok,
    helperCores,
  };
}
