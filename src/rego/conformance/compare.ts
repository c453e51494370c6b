// Result comparison as OPA's case runner does it: a result set is a *set* of binding objects; with
// `sort_bindings` the lists inside are compared without regard to order (they hold Rego sets).

/** A canonical text of a JSON value: object keys sorted; arrays sorted too when `unordered`. */
export function canonical(v: unknown, unordered: boolean): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, unordered));
    if (unordered) items.sort();
    return `[${items.join(',')}]`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k], unordered)}`).join(',')}}`;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : String(v);
  return JSON.stringify(v) ?? 'undefined';
}

/** Same set of binding objects? */
export function sameResultSet(want: readonly unknown[], got: readonly unknown[], unordered: boolean): boolean {
  const a = new Set(want.map((b) => canonical(b, unordered)));
  const b = new Set(got.map((x) => canonical(x, unordered)));
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Deep equality with every array compared as a multiset (the fixtures' rule: sets arrive as arrays). */
export function sameUnordered(a: unknown, b: unknown): boolean {
  return canonical(a, true) === canonical(b, true);
}
