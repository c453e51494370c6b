// The error a host builtin throws on bad operands. The loader reports it under `code`, as OPA's topdown
// does: operand type errors (OPA's builtins.ErrOperand) are eval_type_error, everything else
// eval_builtin_error. Any other exception thrown by a host builtin is reported as eval_builtin_error.
export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error';

export class BuiltinError extends Error {
  override readonly name = 'BuiltinError';
  constructor(
    message: string,
    readonly code: BuiltinErrorCode = 'eval_builtin_error',
  ) {
    super(message);
  }
}

/** An operand of the wrong type or range: OPA's builtins.NewOperandErr / NewOperandTypeErr. */
export function operandError(message: string): BuiltinError {
  return new BuiltinError(message, 'eval_type_error');
}
