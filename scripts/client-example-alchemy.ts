import { readFileSync } from "node:fs";
import { makePng } from "../src/modules/requests/test-images.ts";
import { apiKey, describeError, fail, gql, WS_URL, wsClient } from "./lib.ts";

/**
 * A requester of alchemy: sends an image (a file, an http(s) URL, or a generated 1024×768
 * gradient) with a list of forms, follows each form's state live over `alchemyRequestUpdated`
 * (no polling) and prints each result as it arrives, then `done`.
 *
 *   npm run client:example -- --kind alchemy                             # caption,nsfw on a gradient
 *   npm run client:example -- --kind alchemy photo.png caption,interrogation,GFPGAN
 *   npm run client:example -- --kind alchemy https://example.com/cat.jpg nsfw
 */
const USAGE = "usage: npm run client:example -- --kind alchemy [image file or http(s) URL] [form,form,…]";

function parseArgs(argv: string[]) {
  const [image = "", list = "caption,nsfw", ...rest] = argv;
  if (rest.length) fail(`too many arguments\n${USAGE}`);
  const forms = list
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  if (!forms.length) fail(`name at least one form\n${USAGE}`);
  if (/^https?:\/\//i.test(image)) return { source: { sourceImageUrl: image }, forms };
  let bytes: Buffer;
  try {
    bytes = image ? readFileSync(image) : makePng(1024, 768, { alpha: false });
  } catch (err) {
    fail(`cannot read ${JSON.stringify(image)}: ${describeError(err)}\n${USAGE}`);
  }
  return { source: { sourceImage: bytes.toString("base64") }, forms };
}

const { source, forms } = parseArgs(process.argv.slice(2));
const key = process.env.HORDE_API_KEY ? await apiKey("client") : undefined; // Anonymous unless a key is set

const created = await gql(
  `mutation($input: CreateAlchemyRequestInput!) {
    createAlchemyRequest(input: $input) {
      __typename
      ... on CreateAlchemyRequestPayload { kudos request { id imageTiles } }
      ... on ValidationError { field }
      ... on Error { code message }
    }
  }`,
  { input: { ...source, forms: forms.map((name) => ({ name })) } },
  key,
);
const out = created.createAlchemyRequest;
if (out.__typename !== "CreateAlchemyRequestPayload") fail(`refused: ${out.code}: ${out.message}`);
const id: string = out.request.id;
console.log(
  `alchemy request ${id} queued: ${forms.join(", ")} on ${out.request.imageTiles} tile(s), at most ${out.kudos} kudos`,
);

const printed = new Set<string>();
let lastLine = "";
const client = wsClient(key);
client.subscribe<{ alchemyRequestUpdated: any }>(
  {
    query: `subscription($id: ID!) {
      alchemyRequestUpdated(id: $id) { state done kudos forms { id name state result workerName } }
    }`,
    variables: { id },
  },
  {
    next: (msg) => {
      if (msg.errors?.length) fail(`the server refused the subscription: ${describeError(msg.errors)}`);
      const r = msg.data!.alchemyRequestUpdated;
      const line = `${r.state}: ${r.forms.map((f: { name: string; state: string }) => `${f.name} ${f.state}`).join(", ")}`;
      if (line !== lastLine) console.log(line);
      lastLine = line;
      for (const f of r.forms) {
        if (f.state !== "DONE" || printed.has(f.id)) continue;
        printed.add(f.id);
        console.log(`${f.name} (by ${f.workerName}): ${JSON.stringify(f.result).slice(0, 300)}`);
      }
    },
    error: (err) => fail(`subscription to ${WS_URL} failed: ${describeError(err)}`),
    complete: async () => {
      console.log(`done: ${printed.size} of ${forms.length} form(s) delivered`);
      await client.dispose();
      process.exit(0);
    },
  },
);
