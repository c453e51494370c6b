// Core builtins compiled into the runtime (exported as b_<name>, dots → underscores).
export { b_plus, b_minus, b_set_diff, b_mul, b_div, b_rem, b_abs, b_round, b_ceil, b_floor, b_numbers_range } from './arith';
export { b_equal, b_neq, b_lt, b_lte, b_gt, b_gte } from './compare';
export { b_count, b_sum, b_product, b_max, b_min, b_sort } from './aggregates';
export { b_and, b_or, b_intersection, b_union, b_internal_member_2, b_internal_member_3 } from './sets';
export { b_array_concat, b_array_slice, b_array_reverse } from './arrays';
export {
  b_object_get, b_object_keys, b_object_union, b_object_union_n, b_object_remove, b_object_filter,
  b_json_filter, b_json_remove,
} from './objects';
export {
  b_is_number, b_is_string, b_is_boolean, b_is_array, b_is_set, b_is_object, b_is_null, b_type_name,
  b_cast_array, b_cast_set, b_cast_string, b_cast_boolean, b_cast_null, b_cast_object,
} from './types';
export { b_walk } from './walk';
export { b_bits_or, b_bits_and, b_bits_xor, b_bits_negate, b_bits_lsh, b_bits_rsh } from './bits';
export { b_graph_reachable } from './graph';
