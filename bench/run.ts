import { spawnSync } from "node:child_process";

// `npm run bench`: every benchmark in turn, each in its own process (needs DATABASE_URL).
for (const args of [
  ["bench/queue.ts", "latency"],
  ["bench/queue.ts", "throughput"],
  ["bench/queue.ts", "queue-size"],
  ["bench/queue.ts", "progress"],
  ["--expose-gc", "bench/queue.ts", "scale"],
  ["bench/kinds.ts"],
  ["bench/kudos.ts"],
  ["bench/stats-entities.ts"],
  ["bench/stats-horde.ts"],
]) {
  console.log(`\n## ${args.join(" ")}`);
  const flags =
    args[0] === "--expose-gc" ? ["--expose-gc", "--import", "tsx", ...args.slice(1)] : ["--import", "tsx", ...args];
  const r = spawnSync(process.execPath, flags, { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exitCode = 1;
}
