import { makePng } from "../src/modules/requests/test-images.ts";
import { apiKey, gql, wsClient } from "./lib.ts";

/**
 * A simulated image worker (no GPU): holds one `imageJobAssigned` subscription, "generates" a
 * small PNG per job after a delay proportional to the work (pixels × steps; WORKER_SPEED
 * megapixelsteps per second, default 20), and submits it. Several jobs run at once up to
 * WORKER_CONCURRENCY (default 1).
 *
 *   npm run worker:sim            # registers a user when HORDE_API_KEY is not set
 *   WORKER_NAME=my-gpu WORKER_CONCURRENCY=2 npm run worker:sim
 */
const key = await apiKey("sim-owner");
const name = process.env.WORKER_NAME ?? `sim-worker-${Math.random().toString(36).slice(2, 7)}`;
const speed = Number(process.env.WORKER_SPEED ?? 20) * 1e6;
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 1);
const models = (process.env.WORKER_MODELS ?? "stable_diffusion").split(",");
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
  const image = makePng(Math.min(width, 256), Math.min(height, 256)).toString("base64");
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
      if (msg.errors) console.error(`[${name}]`, msg.errors);
      if (msg.data) void work(msg.data.imageJobAssigned).catch((err) => console.error(`[${name}]`, err.message));
    },
    error: (err) => {
      console.error(`[${name}] subscription failed:`, err);
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);
process.on("SIGINT", () => {
  void client.dispose();
  process.exit(0);
});
