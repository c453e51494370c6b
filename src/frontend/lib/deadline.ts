// The edge deadline for handlers that do not answer through `answer` (forward-auth, the /stream upgrade):
// work still pending past it rejects as a retryable timeout, which they render as 503 + Retry-After.
import { timedOut } from '../../bus/index.js';

/** `work`, or a `timeout` BusError once `ms` have passed without it settling (its late result is dropped). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut(`${what} did not complete within ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
