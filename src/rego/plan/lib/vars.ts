// Variable walks over terms: which variables a term mentions, and whether a term is a constant.
import type { Term } from '../../ast/types.js';

/** Variables of a term, not looking into comprehension bodies nor call operators. */
export function termVars(t: Term, out: string[] = []): string[] {
  const v = t.value;
  switch (v.type) {
    case 'var':
      out.push(v.name);
      break;
    case 'ref':
      for (const x of v.terms) termVars(x, out);
      break;
    case 'array':
    case 'set':
      for (const x of v.items) termVars(x, out);
      break;
    case 'object':
      for (const [k, x] of v.pairs) {
        termVars(k, out);
        termVars(x, out);
      }
      break;
    case 'call':
      for (const x of v.args) termVars(x, out);
      break;
    default:
      break;
  }
  return out;
}

/** True for terms built only from scalars, arrays, objects and sets of scalars (no vars, refs, calls). */
export function isConstant(t: Term): boolean {
  const v = t.value;
  switch (v.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return v.items.every(isConstant);
    case 'object':
      return v.pairs.every(([k, x]) => isConstant(k) && isConstant(x));
    default:
      return false;
  }
}

/** A canonical text for a constant term, used to compare object keys at plan time. */
export function constantKey(t: Term): string {
  const v = t.value;
  switch (v.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(v.value);
    case 'number':
      return `n:${Number(v.raw)}`;
    case 'string':
      return JSON.stringify(v.value);
    case 'array':
      return `[${v.items.map(constantKey).join(',')}]`;
    case 'set':
      return `{${v.items.map(constantKey).sort().join(',')}}`;
    case 'object':
      return `{${v.pairs.map(([k, x]) => `${constantKey(k)}:${constantKey(x)}`).sort().join(',')}}`;
    default:
      return '?';
  }
}

/**
 * True when planning the term produces its value exactly once, in the block it started in: no ref
 * iterates or enumerates alternatives (every key after the head is a constant).
 */
export function isStraight(t: Term): boolean {
  const v = t.value;
  switch (v.type) {
    case 'ref':
      return isStraight(v.terms[0]!) && v.terms.slice(1).every(isConstant);
    case 'array':
    case 'set':
      return v.items.every(isStraight);
    case 'object':
      return v.pairs.every(([k, x]) => isStraight(k) && isStraight(x));
    case 'call':
      return v.args.every(isStraight);
    default:
      return true;
  }
}
