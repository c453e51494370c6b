// Prints benchmark results as a fixed-width table, with the Portcullis/peer ratio against its target.
import type { Measurement } from './measure.js';

function ms(us: number): string {
  return (us / 1000).toFixed(2);
}

export function printTable(title: string, rows: Measurement[]): void {
  const head = ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'cpu cores', 'main thread', 'cpu µs/req', 'helpers (cores)'];
  const body = rows.map((r) => [
    r.target,
    r.requestsPerSecond.toFixed(0),
    ms(r.p50Us),
    ms(r.p99Us),
    String(r.errors),
    r.cpuCores.toFixed(2),
    r.mainThreadCores.toFixed(2),
    r.cpuUsPerRequest.toFixed(0),
    r.helperCores.map((h) => `${h.name} ${h.cores.toFixed(2)}`).join(', ') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  for (const b of body) console.log(line(b));
}

export function printRatio(name: string, portcullis: Measurement | undefined, peer: Measurement | undefined, target: number): void {
  if (!portcullis || !peer) return;
  const ratio = portcullis.requestsPerSecond / peer.requestsPerSecond;
  const verdict = ratio >= target ? 'meets' : 'below';
  console.log(`\n${name}: Portcullis/peer = ${ratio.toFixed(2)}× (target ≥ ${target}×: ${verdict}); ` +
    `p99 ${ms(portcullis.p99Us)} ms (target ≤ 5 ms: ${portcullis.p99Us <= 5000 ? 'meets' : 'below'})`);
  // On a shared box throughput follows whoever else is busy; CPU per request is steadier.
  const helperUs = portcullis.helperCores.reduce((a, h) => a + h.cores, 0) * 1e6 / Math.max(1, portcullis.requestsPerSecond);
  const cpuRatio = peer.cpuUsPerRequest / (portcullis.cpuUsPerRequest + helperUs);
  console.log(`${name}: CPU per request, peer/Portcullis (nats-server included) = ${cpuRatio.toFixed(2)}×`);
}
