// object.* builtins and json.filter / json.remove.

import {
  TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_STRING, TYPE_NUMBER, makeObject, makeSet, makeArray, makeString, setFinishAppends,
  objLen, objKeyAt, objValAt, objGet, objInsert, objAppendRaw, setAppendRaw, setLen, setAt, setContains,
  arrLen, arrGet, arrAppend, valueGet, shallowCopy, equal, numTryInt, numLastInt, makeInt,
} from '../value';
import { elementTypeError, typeError } from '../error';

export function b_object_get(o: usize, k: usize, d: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('object.get', 1, 'object', o);
  if (load<u8>(k) == TYPE_ARRAY) {
    let cur = o;
    const n = arrLen(k);
    for (let i = 0; i < n; i++) {
      const t = load<u8>(cur);
      if (t != TYPE_OBJECT && t != TYPE_ARRAY && t != TYPE_SET) return d;
      cur = valueGet(cur, arrGet(k, i));
      if (cur == 0) return d;
    }
    return cur;
  }
  const v = objGet(o, k);
  return v != 0 ? v : d;
}

export function b_object_keys(o: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('object.keys', 1, 'object', o);
  const s = makeSet();
  const n = objLen(o);
  for (let i = 0; i < n; i++) setAppendRaw(s, objKeyAt(o, i)); // already sorted
  return s;
}

/** Recursive merge where b wins, as OPA's object.union. */
function unionMerge(a: usize, b: usize): usize {
  const r = shallowCopy(a);
  const n = objLen(b);
  for (let i = 0; i < n; i++) {
    const k = objKeyAt(b, i);
    const bv = objValAt(b, i);
    const av = objGet(a, k);
    if (av != 0 && load<u8>(av) == TYPE_OBJECT && load<u8>(bv) == TYPE_OBJECT) objInsert(r, k, unionMerge(av, bv));
    else objInsert(r, k, bv);
  }
  return r;
}

export function b_object_union(a: usize, b: usize): usize {
  if (load<u8>(a) != TYPE_OBJECT) return typeError('object.union', 1, 'object', a);
  if (load<u8>(b) != TYPE_OBJECT) return typeError('object.union', 2, 'object', b);
  return unionMerge(a, b);
}

export function b_object_union_n(arr: usize): usize {
  if (load<u8>(arr) != TYPE_ARRAY) return typeError('object.union_n', 1, 'array', arr);
  let r = makeObject();
  const n = arrLen(arr);
  for (let i = 0; i < n; i++) {
    const o = arrGet(arr, i);
    if (load<u8>(o) != TYPE_OBJECT) return elementTypeError('object.union_n', 1, 'array', 'object', o);
    r = unionMerge(r, o);
  }
  return r;
}

/** Keys named by an array, set or object (its keys); 0 for other types. */
function keySet(keys: usize): usize {
  const t = load<u8>(keys);
  if (t == TYPE_SET) return keys;
  const s = makeSet();
  if (t == TYPE_ARRAY) {
    const n = arrLen(keys);
    for (let i = 0; i < n; i++) setAppendRaw(s, arrGet(keys, i));
    setFinishAppends(s); // array order → sorted, deduplicated
    return s;
  }
  if (t == TYPE_OBJECT) {
    const n = objLen(keys);
    for (let i = 0; i < n; i++) setAppendRaw(s, objKeyAt(keys, i));
    return s;
  }
  return 0;
}


export function b_object_remove(o: usize, keys: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('object.remove', 1, 'object', o);
  const ks = keySet(keys);
  if (ks == 0) return typeError('object.remove', 2, 'one of {object, set, array}', keys);
  const r = makeObject();
  const n = objLen(o);
  for (let i = 0; i < n; i++) {
    const k = objKeyAt(o, i);
    if (!setContains(ks, k)) objAppendRaw(r, k, objValAt(o, i));
  }
  return r;
}

export function b_object_filter(o: usize, keys: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('object.filter', 1, 'object', o);
  const ks = keySet(keys);
  if (ks == 0) return typeError('object.filter', 2, 'one of {object, set, array}', keys);
  const r = makeObject();
  const n = objLen(o);
  for (let i = 0; i < n; i++) {
    const k = objKeyAt(o, i);
    if (setContains(ks, k)) objAppendRaw(r, k, objValAt(o, i));
  }
  return r;
}

// ---- json.filter / json.remove: paths are "a/b/c" strings or arrays of segments ----

/** The path element parsePaths rejected (neither a string nor an array); 0 when the operand itself was. */
let badPathElem: usize = 0;

/** Array of paths (each an array of segment values); 0 on a type error. */
function parsePaths(paths: usize): usize {
  badPathElem = 0;
  const t = load<u8>(paths);
  if (t != TYPE_ARRAY && t != TYPE_SET) return 0;
  const n = load<i32>(paths, 4);
  const r = makeArray(n);
  for (let i = 0; i < n; i++) {
    const p = load<usize>(load<usize>(paths, 12) + (<usize>i << 2));
    const pt = load<u8>(p);
    if (pt == TYPE_ARRAY) arrAppend(r, p);
    else if (pt == TYPE_STRING) {
      let s = load<usize>(p, 8);
      let e = s + <usize>load<i32>(p, 4);
      while (s < e && load<u8>(s) == 0x2f) s++;
      while (e > s && load<u8>(e - 1) == 0x2f) e--;
      const segs = makeArray(0);
      if (e > s) {
        let start = s;
        for (let q = s; q <= e; q++) {
          if (q == e || load<u8>(q) == 0x2f) {
            arrAppend(segs, makeString(start, <i32>(q - start)));
            start = q + 1;
          }
        }
      }
      arrAppend(r, segs);
    } else {
      badPathElem = p;
      return 0;
    }
  }
  return r;
}

/** Does path segment `seg` address key `k` (object key, or array index given as a number)? */
function segMatches(seg: usize, k: usize): bool {
  if (equal(seg, k)) return true;
  if (load<u8>(k) == TYPE_NUMBER && load<u8>(seg) == TYPE_STRING && numTryInt(k)) {
    // compare decimal text of the index with the segment
    let x = numLastInt;
    const p = load<usize>(seg, 8);
    const n = load<i32>(seg, 4);
    if (n == 0 || n > 19) return false;
    let y: i64 = 0;
    for (let i = 0; i < n; i++) {
      const c = <i32>load<u8>(p + i) - 0x30;
      if (c < 0 || c > 9) return false;
      y = y * 10 + c;
    }
    if (n > 1 && load<u8>(p) == 0x30) return false;
    return x == y;
  }
  return false;
}

/** Paths (at depth d) whose segment d matches key k; sets `anyEnds` when one of them ends there. */
let anyEnds = false;
function sub(paths: usize, d: i32, k: usize): usize {
  anyEnds = false;
  const r = makeArray(0);
  const n = arrLen(paths);
  for (let i = 0; i < n; i++) {
    const p = arrGet(paths, i);
    if (arrLen(p) > d && segMatches(arrGet(p, d), k)) {
      if (arrLen(p) == d + 1) anyEnds = true;
      arrAppend(r, p);
    }
  }
  return r;
}

function filterAt(v: usize, paths: usize, d: i32): usize {
  const t = load<u8>(v);
  if (t == TYPE_OBJECT) {
    const r = makeObject();
    const n = objLen(v);
    for (let i = 0; i < n; i++) {
      const k = objKeyAt(v, i);
      const s = sub(paths, d, k);
      if (arrLen(s) == 0) continue;
      objAppendRaw(r, k, anyEnds ? objValAt(v, i) : filterAt(objValAt(v, i), s, d + 1));
    }
    return r;
  }
  if (t == TYPE_ARRAY) {
    const r = makeArray(0);
    const n = arrLen(v);
    for (let i = 0; i < n; i++) {
      const s = sub(paths, d, makeInt(i));
      if (arrLen(s) == 0) continue;
      arrAppend(r, anyEnds ? arrGet(v, i) : filterAt(arrGet(v, i), s, d + 1));
    }
    return r;
  }
  if (t == TYPE_SET) {
    const r = makeSet();
    const n = setLen(v);
    for (let i = 0; i < n; i++) {
      const e = setAt(v, i);
      const s = sub(paths, d, e);
      if (arrLen(s) == 0) continue;
      setAppendRaw(r, anyEnds ? e : filterAt(e, s, d + 1));
    }
    setFinishAppends(r);
    return r;
  }
  return v;
}

function removeAt(v: usize, paths: usize, d: i32): usize {
  const t = load<u8>(v);
  if (t == TYPE_OBJECT) {
    const r = makeObject();
    const n = objLen(v);
    for (let i = 0; i < n; i++) {
      const k = objKeyAt(v, i);
      const s = sub(paths, d, k);
      if (anyEnds) continue;
      objAppendRaw(r, k, arrLen(s) == 0 ? objValAt(v, i) : removeAt(objValAt(v, i), s, d + 1));
    }
    return r;
  }
  if (t == TYPE_ARRAY) {
    const r = makeArray(0);
    const n = arrLen(v);
    for (let i = 0; i < n; i++) {
      const s = sub(paths, d, makeInt(i));
      if (anyEnds) continue;
      arrAppend(r, arrLen(s) == 0 ? arrGet(v, i) : removeAt(arrGet(v, i), s, d + 1));
    }
    return r;
  }
  if (t == TYPE_SET) {
    const r = makeSet();
    const n = setLen(v);
    for (let i = 0; i < n; i++) {
      const e = setAt(v, i);
      const s = sub(paths, d, e);
      if (anyEnds) continue;
      setAppendRaw(r, arrLen(s) == 0 ? e : removeAt(e, s, d + 1));
    }
    setFinishAppends(r);
    return r;
  }
  return v;
}

function hasEmpty(paths: usize): bool {
  const n = arrLen(paths);
  for (let i = 0; i < n; i++) if (arrLen(arrGet(paths, i)) == 0) return true;
  return false;
}

function pathsError(name: string, paths: usize): usize {
  if (badPathElem != 0) return typeError(name, 2, 'one of {set, array} containing string paths or array of path segments', badPathElem);
  return typeError(name, 2, 'one of {set, array}', paths);
}

export function b_json_filter(o: usize, paths: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('json.filter', 1, 'object', o);
  const ps = parsePaths(paths);
  if (ps == 0) return pathsError('json.filter', paths);
  if (hasEmpty(ps)) return o;
  return filterAt(o, ps, 0);
}

export function b_json_remove(o: usize, paths: usize): usize {
  if (load<u8>(o) != TYPE_OBJECT) return typeError('json.remove', 1, 'object', o);
  const ps = parsePaths(paths);
  if (ps == 0) return pathsError('json.remove', paths);
  if (hasEmpty(ps)) return makeObject();
  return removeAt(o, ps, 0);
}
