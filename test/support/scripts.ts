import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What {@link useScriptRunner}'s `run` gives back: the process, its exit with output, and the output so far. */
export interface RunningScript {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  output(): string;
}

/**
 * Runs the example scripts as a user would (`tsx scripts/<name>.ts`), collecting their output;
 * every process still running when the file's tests end is killed. Call at a test file's top.
 */
export function useScriptRunner(): (script: string, args: string[], env: Record<string, string>) => RunningScript {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });
  return (script, args, env) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    // Bounded: a script that hangs is killed (exit code null) well within the test's time.
    const killer = setTimeout(() => child.kill("SIGKILL"), 100_000);
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on("exit", (code) => {
        clearTimeout(killer);
        resolve({ code, stdout, stderr });
      }),
    );
    return { child, exited, output: () => stdout };
  };
}
