/**
 * One place for "run these async steps one at a time": the engine serializes every call on a
 * connection, and the Node and web-stream facades serialize their calls into the engine, so
 * that records leave in order whatever the crypto provider's promises do.
 */

/**
 * Runs async tasks one after another, in the order they were queued. A task that fails rejects
 * its own promise only: the tasks after it still run.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` after every task queued before it; settles as `task` does. */
  run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    const next = this.#tail.then(task);
    this.#tail = next.then(undefined, () => undefined);
    return next;
  }

  /** Settles (never rejects) once every task queued so far has settled. */
  settled(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
