/**
 * An async iterator whose values come from `pull` and which `close`s its source when the consumer
 * stops early (`return`, as graphql-ws does on complete) or fails (`throw`). The subscription
 * streams (a request's watcher, the horde status hub) share this shape; each keeps its own `pull`.
 */
export function closableIterator<T>(
  pull: () => Promise<IteratorResult<T, undefined>>,
  close: () => void,
): AsyncIterableIterator<T> {
  const done = { value: undefined, done: true } as const;
  const it: AsyncIterableIterator<T> = {
    next: pull,
    async return() {
      close();
      return done;
    },
    async throw(err) {
      close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
