// Per-key mailboxes: work for one key runs one at a time in arrival order; different keys run in parallel.

export class KeyedMailbox {
  readonly #tails = new Map<string, Promise<unknown>>();

  get activeKeys(): number {
    return this.#tails.size;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key);
    const next = prev ? prev.then(work, work) : work();
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
