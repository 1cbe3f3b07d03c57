import { apiKey, describeError, fail, gql, WS_URL, wsClient } from "./lib.ts";

/**
 * A text requester (`npm run client:example -- --kind text ["prompt"] [texts] [maxLength]`):
 * creates a text request, follows `textRequestUpdated` live (no polling), prints each text as it
 * arrives, and `done` once the request has ended.
 */
const USAGE = 'usage: npm run client:example -- --kind text ["prompt"] [texts, 1–20] [maxLength, 16–512]';

function parseArgs(argv: string[]) {
  const [prompt = "The old lighthouse keeper said:", count = "1", length = "80", ...rest] = argv;
  if (rest.length) fail(`too many arguments\n${USAGE}`);
  if (!prompt.trim()) fail(`the prompt is empty\n${USAGE}`);
  if (!/^[1-9][0-9]*$/.test(count)) fail(`the number of texts must be a whole number ≥ 1\n${USAGE}`);
  if (!/^[1-9][0-9]*$/.test(length)) fail(`maxLength must be a whole number\n${USAGE}`);
  return { prompt, n: Number(count), maxLength: Number(length) };
}

/** Runs the text requester until its request has ended; never returns. */
export async function runTextClient(argv: string[]): Promise<never> {
  const { prompt, n, maxLength } = parseArgs(argv);
  const key = process.env.HORDE_API_KEY ? await apiKey("client") : undefined;
  const created = await gql(
    `mutation($input: CreateTextRequestInput!) {
      createTextRequest(input: $input) {
        __typename
        ... on CreateTextRequestPayload { kudos warnings request { id } }
        ... on Error { code message }
      }
    }`,
    { input: { prompt, params: { n, maxLength } } },
    key,
  );
  const out = created.createTextRequest;
  if (out.__typename !== "CreateTextRequestPayload") fail(`refused: ${out.code}: ${out.message}`);
  const id: string = out.request.id;
  console.log(
    `text request ${id} queued (${n} × ${maxLength} tokens), estimated ${out.kudos} kudos${out.warnings.length ? `; ${out.warnings.join("; ")}` : ""}`,
  );
  const printed = new Set<string>();
  let lastLine = "";
  const client = wsClient(key);
  client.subscribe<{ textRequestUpdated: any }>(
    {
      query: `subscription($id: ID!) {
        textRequestUpdated(id: $id) {
          waiting processing finished done faulted
          generations { id text workerName model tokens kudos }
        }
      }`,
      variables: { id },
    },
    {
      next: (msg) => {
        if (msg.errors?.length) fail(`the server refused the subscription: ${describeError(msg.errors)}`);
        const r = msg.data!.textRequestUpdated;
        const line = `waiting ${r.waiting} processing ${r.processing} finished ${r.finished}/${n}${r.faulted ? " (faulted)" : ""}`;
        if (line !== lastLine) console.log(line);
        lastLine = line;
        for (const g of r.generations) {
          if (printed.has(g.id)) continue;
          printed.add(g.id);
          console.log(
            `--- ${g.id} by ${g.workerName} on ${g.model} (${g.tokens} tokens, ${g.kudos} kudos)\n${prompt}${g.text}`,
          );
        }
      },
      error: (err) => fail(`subscription to ${WS_URL} failed: ${describeError(err)}`),
      complete: () => {
        console.log(`done: ${printed.size} text(s)`);
        void Promise.resolve(client.dispose()).then(() => process.exit(0));
      },
    },
  );
  return new Promise<never>(() => {});
}
