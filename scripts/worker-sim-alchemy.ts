import { makePng } from "../src/modules/requests/test-images.ts";
import { apiKey, describeError, envNumber, fail, gql, WS_URL, wsClient } from "./lib.ts";

/**
 * A simulated alchemist (no GPU): holds one `alchemyJobAssigned` subscription, fetches each
 * form's source image, "does" the form after a short delay (WORKER_FORM_MS, default 300) and
 * submits a plausible result: a caption or description, an NSFW verdict, interrogation tags, a
 * palette, an aesthetic score, an SVG, or for a post-processor a PNG of the image's size (×4 for
 * a 4× upscaler, ×2 for a 2× one). Refusals print `code: message`; the feed failing exits 1.
 *
 *   npm run worker:sim -- --kind alchemy
 *   WORKER_FORMS=caption,nsfw WORKER_MAX_TILES=16 npm run worker:sim -- --kind alchemy
 */
const delay = envNumber("WORKER_FORM_MS", 300);
const concurrency = envNumber("WORKER_CONCURRENCY", 1, { integer: true });
const maxTiles = envNumber("WORKER_MAX_TILES", 80, { integer: true });
const forms = (
  process.env.WORKER_FORMS ??
  "caption,interrogation,nsfw,describe,palette,aesthetic,vectorize,GFPGAN,RealESRGAN_x4plus,strip_background"
)
  .split(",")
  .map((f) => f.trim())
  .filter(Boolean);
if (!forms.length) fail("WORKER_FORMS must name at least one form (comma-separated)");
const name = process.env.WORKER_NAME ?? `sim-alchemist-${Math.random().toString(36).slice(2, 7)}`;
const key = await apiKey("sim-owner");
const client = wsClient(key);

interface Job {
  id: string;
  form: string;
  sourceImageUrl: string;
  width: number;
  height: number;
  ttl: number;
}

const SUBMIT = `mutation($input: SubmitAlchemyJobInput!) {
  submitAlchemyJob(input: $input) { __typename ... on SubmitAlchemyJobPayload { reward } ... on Error { code message } }
}`;

/** The largest side a simulated post-processor returns, so a big upscale stays a small file. */
const MAX_SIDE = 2048;

function scaled(job: Job): { width: number; height: number } {
  const factor = /x4|4x/i.test(job.form) ? 4 : /x2|2x/i.test(job.form) ? 2 : 1;
  const k = Math.min(factor, MAX_SIDE / Math.max(job.width, job.height));
  return { width: Math.max(1, Math.round(job.width * k)), height: Math.max(1, Math.round(job.height * k)) };
}

/** A plausible result for each form (the shapes docs/PROTOCOL.md lists). */
function resultFor(job: Job): Record<string, unknown> {
  const bytes = `${job.width}x${job.height}`;
  switch (job.form) {
    case "caption":
      return { caption: `a colourful gradient under a checker pattern, ${bytes}` };
    case "describe":
      return { describe: `A ${bytes} image: a red-to-green gradient covered by a blue checker pattern.` };
    case "nsfw":
      return { nsfw: false };
    case "aesthetic":
      return { aesthetic: 5.5 };
    case "palette":
      return { palette: ["#d03020", "#30c040", "#2040d0"] };
    case "vectorize":
      return {
        vectorize: `<svg xmlns="http://www.w3.org/2000/svg" width="${job.width}" height="${job.height}"><rect width="100%" height="100%" fill="#30c040"/></svg>`,
      };
    case "interrogation":
      return {
        interrogation: {
          tags: [
            { text: "gradient", confidence: 91.2 },
            { text: "checkerboard", confidence: 84.5 },
          ],
          artists: [{ text: "a pattern generator", confidence: 12.5 }],
        },
      };
    default: {
      const { width, height } = scaled(job);
      return { image: makePng(width, height, { alpha: false }).toString("base64") };
    }
  }
}

async function work(job: Job) {
  console.log(`[${name}] form ${job.id}: ${job.form} on ${job.width}x${job.height}`);
  const source = await fetch(job.sourceImageUrl).catch(() => null);
  if (!source?.ok) {
    console.log(`[${name}] could not fetch ${job.sourceImageUrl}; submitting FAULTED`);
    await gql(SUBMIT, { input: { id: job.id, state: "FAULTED" } }, key);
    return;
  }
  await source.arrayBuffer();
  await new Promise((r) => setTimeout(r, Math.min(delay, job.ttl * 500)));
  const res = await gql(SUBMIT, { input: { id: job.id, result: resultFor(job) } }, key);
  const out = res.submitAlchemyJob;
  console.log(
    `[${name}] submitted ${job.id}: ${out.__typename === "SubmitAlchemyJobPayload" ? `earned ${out.reward} kudos` : `${out.code}: ${out.message}`}`,
  );
}

console.log(`[${name}] subscribing for ${forms.join(", ")} up to ${maxTiles} tiles (up to ${concurrency} at once)`);
client.subscribe<{ alchemyJobAssigned: Job }>(
  {
    query: `subscription($input: PopAlchemyJobInput!) {
      alchemyJobAssigned(input: $input) { id form sourceImageUrl width height ttl }
    }`,
    variables: { input: { name, forms, maxTiles, maxConcurrentJobs: concurrency } },
  },
  {
    next: (msg) => {
      if (msg.errors?.length) fail(`[${name}] the server refused the feed: ${describeError(msg.errors)}`);
      if (msg.data)
        void work(msg.data.alchemyJobAssigned).catch((err) => console.error(`[${name}] ${describeError(err)}`));
    },
    error: (err) => fail(`[${name}] subscription to ${WS_URL} failed: ${describeError(err)}`),
    complete: () => process.exit(0),
  },
);
process.on("SIGINT", () => {
  void client.dispose();
  process.exit(0);
});
