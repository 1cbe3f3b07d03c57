import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * GraphiQL's ready-made tabs: the operations live in src/http/graphiql-examples/*.graphql (a
 * test validates every one against the schema, so they cannot rot), each tab with the variables
 * its operations need. Order is the order of the tabs: analysts first, then a requester, then a
 * worker.
 */
export const GRAPHIQL_EXAMPLES: readonly { file: string; variables?: Record<string, unknown> }[] = [
  { file: "horde.graphql" },
  { file: "models.graphql", variables: { name: "stable_diffusion" } },
  { file: "image-stats.graphql" },
  { file: "workers.graphql", variables: { after: null, filter: { online: true } } },
  { file: "leaderboards.graphql" },
  {
    file: "requester.graphql",
    variables: {
      input: {
        prompt: "a lighthouse on a cliff at dusk, oil painting",
        params: { width: 512, height: 512, steps: 20, n: 1 },
        models: ["stable_diffusion"],
      },
      id: "paste the request id here",
    },
  },
  {
    file: "worker.graphql",
    variables: {
      feed: { name: "my-worker", models: ["stable_diffusion"], maxConcurrentJobs: 1 },
      submit: { id: "paste the job id here", seed: "1", image: "base64 of the WebP or PNG", state: "OK" },
    },
  },
];

/** One tab as GraphiQL's `defaultTabs` takes it. */
export interface ExampleTab {
  query: string;
  variables?: string;
  headers: string;
}

/** The text of one example file. */
export function exampleText(file: string): string {
  return readFileSync(fileURLToPath(new URL(`./graphiql-examples/${file}`, import.meta.url)), "utf8");
}

/** The tabs, each opening with `headers` (the Headers tab's text). */
export function exampleTabs(headers: string): ExampleTab[] {
  return GRAPHIQL_EXAMPLES.map((e) => ({
    query: exampleText(e.file),
    ...(e.variables ? { variables: JSON.stringify(e.variables, null, 2) } : {}),
    headers,
  }));
}
