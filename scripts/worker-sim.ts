import { makePng } from "../src/modules/requests/test-images.ts";
import { apiKey, describeError, envNumber, fail, gql, kindArg, WS_URL, wsClient } from "./lib.ts";
import { runTextWorker } from "./worker-sim-text.ts";

// `--kind alchemy` runs the alchemy example instead (its own file, so each kind stays small).
const kindAt = process.argv.indexOf("--kind");
if (kindAt >= 0 && process.argv[kindAt + 1] === "alchemy") {
  process.argv.splice(kindAt, 2);
  await import("./worker-sim-alchemy.ts");
  await new Promise(() => {}); // the alchemy example exits by itself
}

/**
 * A simulated image worker (no GPU): holds one `imageJobAssigned` subscription, "generates" a
 * gradient PNG of the requested size per job after a delay proportional to the work (pixels ×
 * steps; WORKER_SPEED megapixelsteps per second, default 20), and submits it. Several jobs run at
 * once up to WORKER_CONCURRENCY (default 1). Any refusal from the server is printed as
 * `code: message` and ends the process with exit code 1.
 *
 *   npm run worker:sim            # registers a user when HORDE_API_KEY is not set
 *   WORKER_NAME=my-gpu WORKER_CONCURRENCY=2 npm run worker:sim
 *   npm run worker:sim -- --kind text   # a text worker instead (scripts/worker-sim-text.ts)
 */
if (kindArg(process.argv.slice(2), ["image", "text", "alchemy"]).kind === "text") await runTextWorker();
const speed = envNumber("WORKER_SPEED", 20) * 1e6;
const concurrency = envNumber("WORKER_CONCURRENCY", 1, { integer: true });
const models = (process.env.WORKER_MODELS ?? "stable_diffusion")
  .split(",")
  .map((m) => m.trim())
  .filter(Boolean);
if (!models.length) fail("WORKER_MODELS must name at least one model (comma-separated)");
const name = process.env.WORKER_NAME ?? `sim-worker-${Math.random().toString(36).slice(2, 7)}`;
const key = await apiKey("sim-owner");
const client = wsClient(key);

interface Job {
  id: string;
  prompt: string;
  model: string;
  ttl: number;
  params: { width: number; height: number; steps: number; seed: string };
}

const SUBMIT = `mutation($input: SubmitImageJobInput!) {
  submitImageJob(input: $input) { __typename ... on SubmitImageJobPayload { reward } ... on Error { code message } }
}`;

async function work(job: Job) {
  const { width, height, steps, seed } = job.params;
  const ms = Math.min((width * height * steps) / speed, job.ttl * 0.5) * 1000;
  console.log(
    `[${name}] job ${job.id}: "${job.prompt.slice(0, 40)}" ${width}x${height} ${steps} steps on ${job.model} (${Math.round(ms)} ms)`,
  );
  await new Promise((r) => setTimeout(r, ms));
  const image = makePng(width, height, { alpha: false }).toString("base64");
  const res = await gql(SUBMIT, { input: { id: job.id, image, seed } }, key);
  const out = res.submitImageJob;
  console.log(
    `[${name}] submitted ${job.id}: ${out.__typename === "SubmitImageJobPayload" ? `earned ${out.reward} kudos` : `${out.code}: ${out.message}`}`,
  );
}

console.log(`[${name}] subscribing for ${models.join(", ")} (up to ${concurrency} at once)`);
client.subscribe<{ imageJobAssigned: Job }>(
  {
    query: `subscription($input: PopImageJobInput!) {
      imageJobAssigned(input: $input) { id prompt model ttl params { width height steps seed } }
    }`,
    variables: { input: { name, models, maxPixels: 1024 * 1024, maxConcurrentJobs: concurrency } },
  },
  {
    next: (msg) => {
      if (msg.errors?.length) fail(`[${name}] the server refused the feed: ${describeError(msg.errors)}`);
      if (msg.data)
        void work(msg.data.imageJobAssigned).catch((err) => console.error(`[${name}] ${describeError(err)}`));
    },
    error: (err) => fail(`[${name}] subscription to ${WS_URL} failed: ${describeError(err)}`),
    complete: () => process.exit(0),
  },
);
process.on("SIGINT", () => {
  void client.dispose();
  process.exit(0);
});
