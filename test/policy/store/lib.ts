// Shared by the policy store tests: tiny bundles with the server's entrypoints whose decisions name the
// bundle they came from, compiled by our Rego compiler.
import { type Bundle, encodeBundleArchive } from '../../../src/rego/bundle/index.js';
import { buildBundle } from '../../../src/rego/index.js';

const source = `package portcullis

token := {"allow": true, "reason": data.label}

introspect := {"allow": input.ok == true, "reason": data.label}
`;

/** A bundle whose token decision's `reason` is `label` (labels change the data, so the version). */
export function labelledBundle(label: string, entrypoints = ['portcullis/token', 'portcullis/introspect']): Bundle {
  const src = entrypoints.includes('portcullis/introspect') ? source : source.replace(/\nintrospect.*\n/, '\n');
  const { bundle, diagnostics } = buildBundle({ files: [{ path: 'portcullis.rego', source: src }], entrypoints, data: { label } });
  if (!bundle) throw new Error(`test bundle does not compile: ${JSON.stringify(diagnostics)}`);
  return bundle;
}

export function labelledArchive(label: string): Uint8Array {
  return encodeBundleArchive(labelledBundle(label));
}

/** A bundle that reads fine but whose policy.wasm is not a Wasm module. */
export function brokenBundle(): Bundle {
  const b = labelledBundle('broken');
  return { ...b, wasmModules: { '/policy.wasm': new TextEncoder().encode('this is not wasm') } };
}
