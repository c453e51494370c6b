// A fixed-bucket latency histogram in Prometheus's shape (cumulative `le` buckets, sum, count).

/** Default upper bounds in seconds: 25 µs … 1 s. */
export const defaultLatencyBuckets: readonly number[] = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

export interface HistogramSnapshot {
  /** Upper bounds in seconds, ascending; the implicit last bucket is +Inf. */
  buckets: { le: number; count: number }[];
  /** Observations, including those above the last bound. */
  count: number;
  /** Sum of observations in seconds. */
  sum: number;
}

export class LatencyHistogram {
  readonly #bounds: readonly number[];
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;

  constructor(bounds: readonly number[] = defaultLatencyBuckets) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length);
  }

  observeMicros(us: number): void {
    const s = us / 1e6;
    this.#count++;
    this.#sum += s;
    const b = this.#bounds;
    for (let i = 0; i < b.length; i++) {
      if (s <= (b[i] as number)) {
        this.#counts[i] = (this.#counts[i] as number) + 1;
        return;
      }
    }
  }

  snapshot(): HistogramSnapshot {
    let cumulative = 0;
    const buckets = this.#bounds.map((le, i) => {
      cumulative += this.#counts[i] as number;
      return { le, count: cumulative };
    });
    return { buckets, count: this.#count, sum: this.#sum };
  }

  /** The bound at or below which `q` (0..1) of observations fall (the first bucket that reaches it). */
  quantile(q: number): number {
    const target = q * this.#count;
    let cumulative = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#counts[i] as number;
      if (cumulative >= target && this.#count > 0) return this.#bounds[i] as number;
    }
    return Number.POSITIVE_INFINITY;
  }
}
