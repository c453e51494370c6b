// The one error the planner throws internally; `plan()` turns each into a collected diagnostic.
import type { Diagnostic, Location } from '../ast/types.js';

export class PlanError extends Error {
  readonly code: Diagnostic['code'];
  readonly location: Location;

  constructor(code: Diagnostic['code'], message: string, location: Location) {
    super(message);
    this.name = 'PlanError';
    this.code = code;
    this.location = location;
  }

  toDiagnostic(): Diagnostic {
    return { code: this.code, message: this.message, location: this.location };
  }
}

export function unsupported(feature: string, location: Location): PlanError {
  return new PlanError('rego_unsupported_error', `${feature} is not supported by the Wasm planner`, location);
}
