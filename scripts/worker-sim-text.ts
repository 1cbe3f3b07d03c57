import { apiKey, describeError, envNumber, fail, gql, WS_URL, wsClient } from "./lib.ts";

/**
 * A simulated KoboldAI text worker (`npm run worker:sim -- --kind text`): holds one
 * `textJobAssigned` subscription, "generates" a continuation of each prompt (plausible sentences
 * from a small vocabulary, about maxLength tokens of 4 characters) after a delay of
 * WORKER_SPEED tokens per second (default 20), and submits it. Several jobs run at once up to
 * WORKER_CONCURRENCY. WORKER_MODELS (default `koboldcpp/sim-13B`): the size tag in a name is
 * what prices its tokens. Any refusal is printed as `code: message` and ends the process (exit 1).
 */
const WORDS = (
  "the lighthouse keeper watched a storm roll over the grey sea while gulls circled above the old harbour " +
  "and somewhere below the cliffs a small boat fought its way home through the rain"
).split(" ");

/** Sentences of the vocabulary, seeded by the prompt, about `tokens` × 4 characters long. */
export function simulatedText(prompt: string, tokens: number): string {
  let seed = [...prompt].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  const out: string[] = [];
  let len = 0;
  let sentence = 0;
  while (len < tokens * 4) {
    let w = WORDS[next() % WORDS.length]!;
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    sentence++;
    if (sentence > 6 + (next() % 8)) {
      w += ".";
      sentence = 0;
    }
    out.push(w);
    len += w.length + 1;
  }
  return ` ${out.join(" ")}`;
}

interface TextJob {
  id: string;
  prompt: string;
  model: string;
  ttl: number;
  params: { maxLength: number; maxContextLength: number };
}

const SUBMIT = `mutation($input: SubmitTextJobInput!) {
  submitTextJob(input: $input) { __typename ... on SubmitTextJobPayload { reward } ... on Error { code message } }
}`;

/** Runs the simulated text worker until it is interrupted; never returns. */
export async function runTextWorker(): Promise<never> {
  const speed = envNumber("WORKER_SPEED", 20);
  const concurrency = envNumber("WORKER_CONCURRENCY", 1, { integer: true });
  const models = (process.env.WORKER_MODELS ?? "koboldcpp/sim-13B")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  if (!models.length) fail("WORKER_MODELS must name at least one model (comma-separated)");
  const name = process.env.WORKER_NAME ?? `sim-text-worker-${Math.random().toString(36).slice(2, 7)}`;
  const key = await apiKey("sim-owner");
  const client = wsClient(key);

  async function work(job: TextJob) {
    const text = simulatedText(job.prompt, job.params.maxLength);
    const ms = Math.min(job.params.maxLength / speed, job.ttl * 0.5) * 1000;
    console.log(`[${name}] job ${job.id}: "${job.prompt.slice(-40)}" ${job.params.maxLength} tokens on ${job.model}`);
    await new Promise((r) => setTimeout(r, ms));
    const res = await gql(SUBMIT, { input: { id: job.id, text } }, key);
    const out = res.submitTextJob;
    console.log(
      `[${name}] submitted ${job.id}: ${out.__typename === "SubmitTextJobPayload" ? `earned ${out.reward} kudos` : `${out.code}: ${out.message}`}`,
    );
  }

  console.log(`[${name}] subscribing for text on ${models.join(", ")} (up to ${concurrency} at once)`);
  client.subscribe<{ textJobAssigned: TextJob }>(
    {
      query: `subscription($input: PopTextJobInput!) {
        textJobAssigned(input: $input) { id prompt model ttl params { maxLength maxContextLength } }
      }`,
      variables: { input: { name, models, maxLength: 512, maxContextLength: 4096, maxConcurrentJobs: concurrency } },
    },
    {
      next: (msg) => {
        if (msg.errors?.length) fail(`[${name}] the server refused the feed: ${describeError(msg.errors)}`);
        if (msg.data)
          void work(msg.data.textJobAssigned).catch((err) => console.error(`[${name}] ${describeError(err)}`));
      },
      error: (err) => fail(`[${name}] subscription to ${WS_URL} failed: ${describeError(err)}`),
      complete: () => process.exit(0),
    },
  );
  process.on("SIGINT", () => {
    void client.dispose();
    process.exit(0);
  });
  return new Promise<never>(() => {});
}
