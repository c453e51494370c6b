// walk(x): every [path, value] pair of x in pre-order (root first, path []), as an array the planner
// iterates (OPA's walk is a relation; compiled in as a function returning all its pairs).

import { TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeArray, arrAppend, arrLen, arrGet, makeInt } from '../value';

function copyPath(p: usize, extra: usize): usize {
  const n = arrLen(p);
  const r = makeArray(n + 1);
  for (let i = 0; i < n; i++) arrAppend(r, arrGet(p, i));
  arrAppend(r, extra);
  return r;
}

function walkInto(out: usize, path: usize, v: usize): void {
  const pair = makeArray(2);
  arrAppend(pair, path);
  arrAppend(pair, v);
  arrAppend(out, pair);
  const t = load<u8>(v);
  if (t < TYPE_ARRAY) return;
  const n = load<i32>(v, 4);
  const e = load<usize>(v, 12);
  for (let i = 0; i < n; i++) {
    if (t == TYPE_OBJECT) {
      walkInto(out, copyPath(path, load<usize>(e + (<usize>i << 3))), load<usize>(e + (<usize>i << 3), 4));
    } else if (t == TYPE_ARRAY) {
      walkInto(out, copyPath(path, makeInt(i)), load<usize>(e + (<usize>i << 2)));
    } else if (t == TYPE_SET) {
      const x = load<usize>(e + (<usize>i << 2));
      walkInto(out, copyPath(path, x), x);
    }
  }
}

export function b_walk(v: usize): usize {
  const out = makeArray(8);
  walkInto(out, makeArray(0), v);
  return out;
}
