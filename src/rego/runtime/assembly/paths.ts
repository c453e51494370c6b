// Structural updates: `with` replacement on a copy, in-place add/remove by path (ABI), deep merge.

import {
  TYPE_OBJECT, TYPE_ARRAY, makeObject, shallowCopy, objGet, objInsert, objRemove, objLen, objKeyAt, objValAt,
  arrLen, arrGet,
} from './value';

function withAt(base: usize, path: usize, i: i32, v: usize): usize {
  if (i == arrLen(path)) return v;
  const k = arrGet(path, i);
  let o: usize;
  let child: usize = 0;
  if (base != 0 && load<u8>(base) == TYPE_OBJECT) {
    o = shallowCopy(base);
    child = objGet(base, k);
  } else o = makeObject();
  objInsert(o, k, withAt(child, path, i + 1, v));
  return o;
}

/** Copy of base with the value at path (array of keys) set to v; base is unchanged. */
export function valueWith(base: usize, path: usize, v: usize): usize {
  return withAt(base, path, 0, v);
}

/** Sets data[path...] = v in place, creating objects along the way. 0 ok, 2 invalid path. */
export function addPath(data: usize, path: usize, v: usize): i32 {
  if (data == 0 || path == 0 || load<u8>(path) != TYPE_ARRAY || load<u8>(data) != TYPE_OBJECT) return 2;
  const n = arrLen(path);
  if (n == 0) return 2;
  let cur = data;
  for (let i = 0; i < n - 1; i++) {
    const k = arrGet(path, i);
    let next = objGet(cur, k);
    if (next == 0 || load<u8>(next) != TYPE_OBJECT) {
      next = makeObject();
      objInsert(cur, k, next);
    }
    cur = next;
  }
  objInsert(cur, arrGet(path, n - 1), v);
  return 0;
}

/** Deletes data[path...] in place. 0 ok (also when absent), 2 invalid path. */
export function removePath(data: usize, path: usize): i32 {
  if (data == 0 || path == 0 || load<u8>(path) != TYPE_ARRAY) return 2;
  const n = arrLen(path);
  if (n == 0) return 2;
  let cur = data;
  for (let i = 0; i < n - 1; i++) {
    if (load<u8>(cur) != TYPE_OBJECT) return 0;
    cur = objGet(cur, arrGet(path, i));
    if (cur == 0) return 0;
  }
  if (load<u8>(cur) == TYPE_OBJECT) objRemove(cur, arrGet(path, n - 1));
  return 0;
}

/** Deep merge of objects: a wins on conflicts, nested objects merge. 0 if either is not an object. */
export function mergeObjects(a: usize, b: usize): usize {
  if (a == 0 || b == 0 || load<u8>(a) != TYPE_OBJECT || load<u8>(b) != TYPE_OBJECT) return 0;
  const r = shallowCopy(a);
  const n = objLen(b);
  for (let i = 0; i < n; i++) {
    const k = objKeyAt(b, i);
    const bv = objValAt(b, i);
    const av = objGet(a, k);
    if (av == 0) objInsert(r, k, bv);
    else if (load<u8>(av) == TYPE_OBJECT && load<u8>(bv) == TYPE_OBJECT) objInsert(r, k, mergeObjects(av, bv));
  }
  return r;
}
