// Type tests and type_name.

import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeBool, makeString,
} from '../value';

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
