// The Wasm back end: IR (src/rego/plan/ir.ts) → an OPA-ABI policy.wasm built on the Rego runtime.
export { generateWasm, builtinExportName, type GenerateOptions } from './generate.js';
export { GenerateError } from './lower.js';
export { loadRuntime, runtimeWasmPath, type RuntimeModule } from './runtime-module.js';
