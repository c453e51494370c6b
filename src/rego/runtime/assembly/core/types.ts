// Type tests and type_name.

import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeBool, makeString,
  makeArray, arrAppend, arrLen, arrGet, makeSet, setAdd, setLen, setAt,
} from '../value';
import { typeError } from '../error';

export function b_is_number(v: usize): usize { return makeBool(load<u8>(v) == TYPE_NUMBER); }
export function b_is_string(v: usize): usize { return makeBool(load<u8>(v) == TYPE_STRING); }
export function b_is_boolean(v: usize): usize { return makeBool(load<u8>(v) == TYPE_BOOLEAN); }
export function b_is_array(v: usize): usize { return makeBool(load<u8>(v) == TYPE_ARRAY); }
export function b_is_set(v: usize): usize { return makeBool(load<u8>(v) == TYPE_SET); }
export function b_is_object(v: usize): usize { return makeBool(load<u8>(v) == TYPE_OBJECT); }
export function b_is_null(v: usize): usize { return makeBool(load<u8>(v) == TYPE_NULL); }

const NAMES: usize = memory.data<u8>([
  110, 117, 108, 108, // null @0
  98, 111, 111, 108, 101, 97, 110, // boolean @4
  110, 117, 109, 98, 101, 114, // number @11
  115, 116, 114, 105, 110, 103, // string @17
  97, 114, 114, 97, 121, // array @23
  111, 98, 106, 101, 99, 116, // object @28
  115, 101, 116, // set @34
]);

export function b_type_name(v: usize): usize {
  switch (load<u8>(v)) {
    case TYPE_NULL: return makeString(NAMES, 4);
    case TYPE_BOOLEAN: return makeString(NAMES + 4, 7);
    case TYPE_NUMBER: return makeString(NAMES + 11, 6);
    case TYPE_STRING: return makeString(NAMES + 17, 6);
    case TYPE_ARRAY: return makeString(NAMES + 23, 5);
    case TYPE_OBJECT: return makeString(NAMES + 28, 6);
    case TYPE_SET: return makeString(NAMES + 34, 3);
  }
  return 0;
}

// Rego v0's deprecated casts (cast_array, cast_set, cast_string, cast_boolean, cast_null, cast_object):
// identity on a value of the named kind, arrays and sets converted into each other; any other operand
// is a type error.

export function b_cast_array(v: usize): usize {
  const t = load<u8>(v);
  if (t == TYPE_ARRAY) return v;
  if (t != TYPE_SET) return typeError('cast_array', 1, 'one of {array, set}', v);
  const n = setLen(v);
  const a = makeArray(n);
  for (let i = 0; i < n; i++) arrAppend(a, setAt(v, i));
  return a;
}

export function b_cast_set(v: usize): usize {
  const t = load<u8>(v);
  if (t == TYPE_SET) return v;
  if (t != TYPE_ARRAY) return typeError('cast_set', 1, 'one of {array, set}', v);
  const s = makeSet();
  const n = arrLen(v);
  for (let i = 0; i < n; i++) setAdd(s, arrGet(v, i));
  return s;
}

export function b_cast_string(v: usize): usize {
  return load<u8>(v) == TYPE_STRING ? v : typeError('cast_string', 1, 'string', v);
}

export function b_cast_boolean(v: usize): usize {
  return load<u8>(v) == TYPE_BOOLEAN ? v : typeError('cast_boolean', 1, 'boolean', v);
}

export function b_cast_null(v: usize): usize {
  return load<u8>(v) == TYPE_NULL ? v : typeError('cast_null', 1, 'null', v);
}

export function b_cast_object(v: usize): usize {
  return load<u8>(v) == TYPE_OBJECT ? v : typeError('cast_object', 1, 'object', v);
}
