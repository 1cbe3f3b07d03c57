import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";

/** The process holding a lock, as written in the lock file. */
interface Holder {
  pid: number;
  host: string;
}

/** Raised when another live process holds the lock. */
export class LockHeldError extends Error {
  override name = "LockHeldError";
  constructor(
    readonly lockPath: string,
    readonly holder: Holder,
  ) {
    super(`held by process ${holder.pid} on ${holder.host} (lock file ${lockPath})`);
  }
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host }
      : null;
  } catch {
    return null;
  }
}

/** Whether `holder` is a process that is still running (on another host: assume so). */
function alive(holder: Holder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes an exclusive lock by creating `file` (O_EXCL) with this process's pid. A lock whose
 * process is gone (killed, crashed) is taken over: the stale file is first renamed aside, which
 * only one process can do, so two processes recovering at once cannot both win. Returns the
 * release function, which also runs if the process exits without calling it.
 */
export function lockFile(file: string): () => void {
  const me: Holder = { pid: process.pid, host: os.hostname() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, me)) return releaser(file);
    const holder = readHolder(file);
    // A file being written this instant has no holder yet: try again.
    if (holder && alive(holder)) throw new LockHeldError(file, holder);
    if (!holder && attempt < 2) continue;
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // another process moved it first
    }
    const moved = readHolder(aside);
    if (moved && alive(moved)) {
      // We moved a live lock (it was re-taken between our read and our rename): put it back.
      try {
        linkSync(aside, file);
      } catch {}
      unlinkSync(aside);
      throw new LockHeldError(file, moved);
    }
    unlinkSync(aside);
  }
  throw new Error(`could not take the lock ${file}`);
}

function releaser(file: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {}
    }
  };
  process.on("exit", release);
  return release;
}
