import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Creates `dir` and its missing parents, one level at a time. Node's `mkdirSync(…, {recursive})`
 * loops for ever under `/proc` (`DATA_DIR=/proc/nope` hung start-up with no output); this
 * walks up at most once per level and throws the first real error.
 */
export function makeDir(dir: string, depth = 0): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = path.dirname(dir);
    if (code !== "ENOENT" || parent === dir || depth > 64) throw err;
    makeDir(parent, depth + 1);
    mkdirSync(dir);
  }
}

/**
 * Makes sure `dir` is a writable directory, creating it if need be; else throws an Error whose
 * message says why in a few words (for a start-up line naming the variable).
 */
export function usableDir(dir: string): void {
  try {
    makeDir(dir);
  } catch (err) {
    throw new Error(`cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`${dir} is not writable`);
  }
}
