import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { apiKey, gql, wsClient } from "./lib.ts";

/**
 * A requester: creates an image request, follows its progress live over a subscription (no
 * polling) and saves the images in ./out.
 *
 *   npm run client:example -- "a lighthouse at dusk" 2     # prompt, number of images
 */
const prompt = process.argv[2] ?? "a lighthouse at dusk, oil painting";
const n = Number(process.argv[3] ?? 1);
const key = process.env.HORDE_API_KEY ? await apiKey("client") : undefined; // Anonymous unless a key is set

const created = await gql(
  `mutation($input: CreateImageRequestInput!) {
    createImageRequest(input: $input) {
      __typename
      ... on CreateImageRequestPayload { kudos warnings request { id } }
      ... on Error { code message }
    }
  }`,
  { input: { prompt, params: { n, steps: 20 } } },
  key,
);
const out = created.createImageRequest;
if (out.__typename !== "CreateImageRequestPayload") {
  console.error(`refused: ${out.code}: ${out.message}`);
  process.exit(1);
}
const id: string = out.request.id;
console.log(
  `request ${id} queued, price ${out.kudos} kudos${out.warnings.length ? `; ${out.warnings.join("; ")}` : ""}`,
);

const client = wsClient(key);
const dir = path.resolve(process.env.OUT_DIR ?? "out");
const saved = new Set<string>();
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
    next: async (msg) => {
      if (msg.errors) return console.error(msg.errors);
      const r = msg.data!.imageRequestUpdated;
      console.log(
        `waiting ${r.waiting} processing ${r.processing} finished ${r.finished}/${n}` +
          (r.waiting ? ` (queue position ${r.queuePosition}, about ${r.waitTime} s)` : ""),
      );
      for (const g of r.generations) {
        if (saved.has(g.id) || !g.imageUrl) continue;
        saved.add(g.id);
        const res = await fetch(g.imageUrl);
        const ext = (res.headers.get("content-type") ?? "image/png").split("/")[1];
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${g.id}.${ext}`);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        console.log(`saved ${file} (by ${g.workerName}, ${g.model}, seed ${g.seed})`);
      }
    },
    error: (err) => {
      console.error("subscription failed:", err);
      process.exit(1);
    },
    complete: () => {
      console.log("done");
      void client.dispose();
      setTimeout(() => process.exit(0), 200);
    },
  },
);
