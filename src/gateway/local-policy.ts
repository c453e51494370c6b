// The gateway's policy: the same OPA Wasm bundle and data.oauth_config the server's workers hold,
// evaluated in this process. A bundle or data change builds a new instance beside the current one and
// switches the reference, so every decision runs wholly on one version (as the server's pool does).
import type { SwappablePool } from '../policy/store/index.js';
import { EncodedInput, type PolicyBundle, toDecision } from '../policy/index.js';
import { type RegoPolicy, loadRegoPolicy } from '../rego/load.js';

interface Instance {
  version: string;
  policy: RegoPolicy;
}

export interface LocalDecision {
  result: unknown;
  version: string;
  latencyUs: number;
}

function withPolicyData(base: unknown, oauthConfig: unknown): unknown {
  if (oauthConfig === undefined) return base ?? {};
  return { ...(base as Record<string, unknown> | undefined), oauth_config: oauthConfig };
}

export class LocalPolicy implements SwappablePool {
  #bundle: PolicyBundle;
  #oauthConfig: unknown;
  #current: Instance | undefined;
  #swaps: Promise<void> = Promise.resolve();
  swapCount = 0;

  constructor(bundle: PolicyBundle) {
    this.#bundle = bundle;
  }

  get version(): string {
    return this.#current?.version ?? this.#bundle.version;
  }

  /** Loads the bundle with the current data; the first call before any decision. */
  start(): Promise<void> {
    return this.#swap(this.#bundle, this.#oauthConfig);
  }

  activate(bundle: PolicyBundle): Promise<void> {
    return this.#swap(bundle, this.#oauthConfig);
  }

  setData(data: unknown): Promise<void> {
    return this.#swap(this.#bundle, data);
  }

  #swap(bundle: PolicyBundle, data: unknown): Promise<void> {
    const next = this.#swaps.then(async () => {
      const policy = await loadRegoPolicy(bundle.wasm, withPolicyData(bundle.data, data));
      this.#bundle = bundle;
      this.#oauthConfig = data;
      this.#current = { version: bundle.version, policy };
      this.swapCount++;
    });
    this.#swaps = next.catch(() => undefined);
    return next;
  }

  /** The pool's answer shape: `result` is the normalised decision of the entrypoint's result set. */
  decide(entrypoint: string, input: unknown): LocalDecision {
    const cur = this.#current;
    if (!cur) throw new TypeError('LocalPolicy.decide before start()');
    const t0 = performance.now();
    // Input already in JSON text (EncodedInput) goes to the module as it is.
    const result = toDecision(input instanceof EncodedInput ? cur.policy.evaluateJson(input.json, entrypoint) : cur.policy.evaluate(input, entrypoint));
    return { result, version: cur.version, latencyUs: (performance.now() - t0) * 1000 };
  }
}
