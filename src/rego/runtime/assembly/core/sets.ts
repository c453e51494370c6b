// Set algebra (`&`, `|`, intersection, union) and membership (`in`).

import {
  TYPE_ARRAY, TYPE_SET, TYPE_OBJECT, makeSet, setLen, setAt, setContains, setAppendRaw, compare, equal,
  makeBool, arrLen, arrGet, objLen, objValAt, valueGet,
} from '../value';
import { typeError } from '../error';

/** Sorted-merge intersection of two sets. */
function intersect(a: usize, b: usize): usize {
  const r = makeSet();
  const na = setLen(a);
  const nb = setLen(b);
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const x = setAt(a, i);
    const c = compare(x, setAt(b, j));
    if (c == 0) {
      setAppendRaw(r, x);
      i++;
      j++;
    } else if (c < 0) i++;
    else j++;
  }
  return r;
}

/** Sorted-merge union of two sets. */
function unite(a: usize, b: usize): usize {
  const r = makeSet();
  const na = setLen(a);
  const nb = setLen(b);
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    if (j >= nb) setAppendRaw(r, setAt(a, i++));
    else if (i >= na) setAppendRaw(r, setAt(b, j++));
    else {
      const x = setAt(a, i);
      const y = setAt(b, j);
      const c = compare(x, y);
      if (c == 0) {
        setAppendRaw(r, x);
        i++;
        j++;
      } else if (c < 0) {
        setAppendRaw(r, x);
        i++;
      } else {
        setAppendRaw(r, y);
        j++;
      }
    }
  }
  return r;
}

export function b_and(a: usize, b: usize): usize {
  if (load<u8>(a) != TYPE_SET) return typeError('and', 1, 'set', a);
  if (load<u8>(b) != TYPE_SET) return typeError('and', 2, 'set', b);
  return intersect(a, b);
}

export function b_or(a: usize, b: usize): usize {
  if (load<u8>(a) != TYPE_SET) return typeError('or', 1, 'set', a);
  if (load<u8>(b) != TYPE_SET) return typeError('or', 2, 'set', b);
  return unite(a, b);
}

export function b_intersection(s: usize): usize {
  if (load<u8>(s) != TYPE_SET) return typeError('intersection', 1, 'set', s);
  const n = setLen(s);
  if (n == 0) return makeSet();
  let r = setAt(s, 0);
  if (load<u8>(r) != TYPE_SET) return 0;
  for (let i = 1; i < n; i++) {
    const x = setAt(s, i);
    if (load<u8>(x) != TYPE_SET) return 0;
    r = intersect(r, x);
  }
  return r;
}

export function b_union(s: usize): usize {
  if (load<u8>(s) != TYPE_SET) return typeError('union', 1, 'set', s);
  const n = setLen(s);
  let r = makeSet();
  for (let i = 0; i < n; i++) {
    const x = setAt(s, i);
    if (load<u8>(x) != TYPE_SET) return 0;
    r = unite(r, x);
  }
  return r;
}

/** `x in coll`: x is one of coll's values. */
export function b_internal_member_2(x: usize, c: usize): usize {
  switch (load<u8>(c)) {
    case TYPE_SET:
      return makeBool(setContains(c, x));
    case TYPE_ARRAY: {
      const n = arrLen(c);
      for (let i = 0; i < n; i++) if (equal(arrGet(c, i), x)) return makeBool(true);
      return makeBool(false);
    }
    case TYPE_OBJECT: {
      const n = objLen(c);
      for (let i = 0; i < n; i++) if (equal(objValAt(c, i), x)) return makeBool(true);
      return makeBool(false);
    }
  }
  return makeBool(false);
}

/** `k, v in coll`: coll[k] == v. */
export function b_internal_member_3(k: usize, v: usize, c: usize): usize {
  const t = load<u8>(c);
  if (t != TYPE_ARRAY && t != TYPE_OBJECT && t != TYPE_SET) return makeBool(false);
  const x = valueGet(c, k);
  return makeBool(x != 0 && equal(x, v));
}
