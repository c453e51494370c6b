// `npm run bench -- introspect`: RFC 7662 introspections/s, Portcullis vs node-oidc-provider.
import { runHttpBench } from './lib/http-bench.js';

export function run(args: string[]): Promise<void> {
  return runHttpBench('introspect', args);
}
