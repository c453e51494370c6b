// `npm run bench -- token`: client_credentials tokens/s, Portcullis vs node-oidc-provider.
import { runHttpBench } from './lib/http-bench.js';

export function run(args: string[]): Promise<void> {
  return runHttpBench('token', args);
}
