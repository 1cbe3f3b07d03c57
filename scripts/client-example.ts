import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runTextClient } from "./client-example-text.ts";
import { apiKey, describeError, fail, gql, kindArg, WS_URL, wsClient } from "./lib.ts";

// `--kind alchemy` runs the alchemy example instead (its own file, so each kind stays small).
const kindAt = process.argv.indexOf("--kind");
if (kindAt >= 0 && process.argv[kindAt + 1] === "alchemy") {
  process.argv.splice(kindAt, 2);
  await import("./client-example-alchemy.ts");
  await new Promise(() => {}); // the alchemy example exits by itself
}

/**
 * A requester: creates an image request, follows its progress live over a subscription (no
 * polling), saves each image in OUT_DIR (default ./out) as it arrives, and prints `done` once
 * the request has ended and every image is on disk.
 *
 *   npm run client:example -- "a lighthouse at dusk" 2            # prompt, number of images
 *   npm run client:example -- "a lighthouse at dusk" 2 768x512    # and a size (default 512x512)
 *   npm run client:example -- --kind text "Once upon a time" 2     # texts instead
 */
const USAGE =
  'usage: npm run client:example -- ["prompt"] [images, a whole number ≥ 1] [WIDTHxHEIGHT, multiples of 64]';

function parseArgs(argv: string[]) {
  const [prompt = "a lighthouse at dusk, oil painting", count = "1", size = "512x512", ...rest] = argv;
  if (rest.length) fail(`too many arguments\n${USAGE}`);
  if (!prompt.trim()) fail(`the prompt is empty\n${USAGE}`);
  if (!/^[1-9][0-9]*$/.test(count))
    fail(`the number of images must be a whole number ≥ 1, not ${JSON.stringify(count)}\n${USAGE}`);
  const m = /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(size);
  if (!m || Number(m[1]) % 64 || Number(m[2]) % 64)
    fail(`the size must be WIDTHxHEIGHT in multiples of 64 (like 512x512), not ${JSON.stringify(size)}\n${USAGE}`);
  return { prompt, n: Number(count), width: Number(m[1]), height: Number(m[2]) };
}

const args = kindArg(process.argv.slice(2), ["image", "text", "alchemy"]);
// `--kind text` asks for texts instead (scripts/client-example-text.ts)
if (args.kind === "text") await runTextClient(args.rest);
const { prompt, n, width, height } = parseArgs(args.rest);
const key = process.env.HORDE_API_KEY ? await apiKey("client") : undefined; // Anonymous unless a key is set

const created = await gql(
  `mutation($input: CreateImageRequestInput!) {
    createImageRequest(input: $input) {
      __typename
      ... on CreateImageRequestPayload { kudos warnings request { id } }
      ... on Error { code message }
    }
  }`,
  { input: { prompt, params: { n, steps: 20, width, height } } },
  key,
);
const out = created.createImageRequest;
if (out.__typename !== "CreateImageRequestPayload") fail(`refused: ${out.code}: ${out.message}`);
const id: string = out.request.id;
console.log(
  `request ${id} queued (${n} × ${width}x${height}), price ${out.kudos} kudos${out.warnings.length ? `; ${out.warnings.join("; ")}` : ""}`,
);

const dir = path.resolve(process.env.OUT_DIR ?? "out");
const saved = new Set<string>();
/** The saves in flight; `done` waits for them, so it is printed only once every file is written. */
let saving: Promise<void> = Promise.resolve();
let lastLine = "";

async function save(g: { id: string; imageUrl: string; workerName: string; model: string; seed: string }) {
  const res = await fetch(g.imageUrl);
  if (!res.ok) fail(`could not fetch ${g.imageUrl}: HTTP ${res.status}`);
  const ext = (res.headers.get("content-type") ?? "image/png").split("/")[1];
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${g.id}.${ext}`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  console.log(`saved ${file} (by ${g.workerName}, ${g.model}, seed ${g.seed})`);
}

const client = wsClient(key);
client.subscribe<{ imageRequestUpdated: any }>(
  {
    query: `subscription($id: ID!) {
      imageRequestUpdated(id: $id) {
        waiting processing finished done faulted queuePosition waitTime
        generations { id imageUrl workerName model seed state }
      }
    }`,
    variables: { id },
  },
  {
    next: (msg) => {
      if (msg.errors?.length) fail(`the server refused the subscription: ${describeError(msg.errors)}`);
      const r = msg.data!.imageRequestUpdated;
      // An update can change only what this line does not show (a generation's URL, say): print
      // the line when it says something new.
      const line =
        `waiting ${r.waiting} processing ${r.processing} finished ${r.finished}/${n}` +
        (r.waiting ? ` (queue position ${r.queuePosition}, about ${r.waitTime} s)` : "");
      if (line !== lastLine) console.log(line);
      lastLine = line;
      for (const g of r.generations) {
        if (saved.has(g.id) || !g.imageUrl) continue;
        saved.add(g.id);
        saving = saving.then(() => save(g));
      }
    },
    error: (err) => fail(`subscription to ${WS_URL} failed: ${describeError(err)}`),
    complete: () => {
      void saving
        .then(async () => {
          console.log(`done: ${saved.size} image(s) in ${dir}`);
          await client.dispose();
          process.exit(0);
        })
        .catch((err) => fail(`could not save an image: ${describeError(err)}`));
    },
  },
);
