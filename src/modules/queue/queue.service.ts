import type { Deps } from "../../deps.ts";
import { countWaitingJobs } from "./queue.sql.ts";

/**
 * The queue's depth by kind, for `/metrics`: one indexed count (see {@link countWaitingJobs}).
 * Calls that arrive while a count runs share it, so a burst of scrapes runs one statement at a
 * time. Only image jobs exist today; other kinds join the record when they do.
 */
export function queueDepthReader(deps: Pick<Deps, "db">): () => Promise<Record<string, number>> {
  let running: Promise<Record<string, number>> | null = null;
  return () => {
    running ??= countWaitingJobs(deps.db)
      .then((image) => ({ image }))
      .finally(() => {
        running = null;
      });
    return running;
  };
}
