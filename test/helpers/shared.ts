// Where the read-only shared material lives: `../shared` beside the checkout (as in CI), never a fixed path.
import { join } from 'node:path';

export const sharedDir = join(import.meta.dirname, '..', '..', '..', 'shared');
export const conformanceCasesDir = join(sharedDir, 'rego-conformance', 'cases');
export const opaFixturesDir = join(sharedDir, 'opa-wasm-fixtures');
