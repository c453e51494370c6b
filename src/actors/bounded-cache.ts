// A least-recently-used map with a fixed maximum number of entries (Map keeps insertion order, so a hit
// re-inserts its key and eviction takes the first key).

export class BoundedCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  /** Removes every entry whose key matches (used when a shard moves away). */
  deleteWhere(match: (key: K) => boolean): void {
    for (const k of this.#map.keys()) if (match(k)) this.#map.delete(k);
  }

  clear(): void {
    this.#map.clear();
  }
}
