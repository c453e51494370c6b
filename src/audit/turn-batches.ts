// Items gathered by subject for the rest of the event-loop turn, then handed over a subject at a time
// (sooner when a subject reaches `maxBatch`): one stream message per subject per turn instead of one per
// item. The audit log and the token events both append this way.

export class TurnBatches<T> {
  readonly #maxBatch: number;
  readonly #send: (subject: string, items: T[]) => void;
  #groups = new Map<string, T[]>();
  #flushScheduled = false;

  constructor(maxBatch: number, send: (subject: string, items: T[]) => void) {
    if (!(maxBatch >= 1)) throw new TypeError('maxBatch must be at least 1');
    this.#maxBatch = maxBatch;
    this.#send = send;
  }

  add(subject: string, item: T): void {
    let group = this.#groups.get(subject);
    if (group === undefined) {
      group = [];
      this.#groups.set(subject, group);
    }
    group.push(item);
    if (group.length >= this.#maxBatch) {
      this.#groups.delete(subject);
      this.#send(subject, group);
      return;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Hands over everything gathered so far. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#groups.size === 0) return;
    const groups = this.#groups;
    this.#groups = new Map();
    for (const [subject, items] of groups) this.#send(subject, items);
  }
}
