import { describe, expect, it } from "vitest";
import { makePng } from "../../../src/modules/requests/test-images.ts";
import { useTestApp } from "../../support/app.ts";
import { expectLedgerBalanced, fundedUser } from "../../support/kudos.ts";
import { CREATE, outcome, pop, submit } from "../../support/queue.ts";
import { seedUser } from "../../support/seed.ts";

/**
 * The price a dry run quotes is what the request costs: the horde tax taken on create plus what
 * settlement charges for each of its n jobs, to the hundredth, for many random valid requests
 * (each naming the model its worker serves, which is the model the estimate assumes).
 */

const ctx = useTestApp();

/** mulberry32: a small seeded generator, so a failure names the seed that reproduces it. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  { name: "stable_diffusion", hiresFix: true },
  { name: "stable_diffusion_2.1", hiresFix: true },
  { name: "SDXL 1.0", hiresFix: true },
  { name: "Stable Cascade 1.0", hiresFix: true },
  { name: "Flux.1-Schnell fp8 (Compact)", hiresFix: false },
  { name: "Qwen-Image", hiresFix: false },
  { name: "Z-Image-Turbo", hiresFix: false },
];
const SAMPLERS = ["k_euler_a", "k_heun", "k_dpm_adaptive", "lcm", "k_dpmpp_sde"];
const POST = ["GFPGAN", "CodeFormers", "strip_background"];
const SOURCE = makePng(64, 64).toString("base64");

function randomRequest(r: () => number, i: number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const model = pick(MODELS);
  const postProcessing = POST.filter(() => r() < 0.3);
  if (r() < 0.3) postProcessing.push(pick(["RealESRGAN_x4plus", "RealESRGAN_x2plus"]));
  const withSource = r() < 0.3;
  const weights = Array.from({ length: int(0, 3) }, (_, k) => `(thing${k}:${(r() * 2).toFixed(1)})`).join(" ");
  return {
    input: {
      prompt: `request ${i} ${weights}`,
      models: [model.name],
      shared: r() < 0.5,
      slowWorkers: r() < 0.8,
      ...(withSource ? { sourceImage: SOURCE } : {}),
      params: {
        width: 64 * int(1, 16),
        height: 64 * int(1, 16),
        steps: int(1, 60),
        n: int(1, 3),
        samplerName: pick(SAMPLERS),
        cfgScale: int(0, 3000) / 100,
        postProcessing,
        loras: Array.from({ length: int(0, 2) }, (_, k) => ({ name: String(k + 1) })),
        hiresFix: model.hiresFix && r() < 0.3,
        ...(withSource ? { denoisingStrength: int(1, 100) / 100 } : {}),
      },
    },
  };
}

async function ledgerSum(requestId: string, userId: number): Promise<number> {
  const [row] = await ctx.db.query<{ cents: number }>(
    "SELECT coalesce(sum(amount * 100), 0)::int AS cents FROM kudos_ledger WHERE request_id = $1 AND user_id = $2",
    [requestId, userId],
  );
  return row!.cents;
}

describe("a dry-run price is what is charged", () => {
  it("on create and at settlement, for many random requests", async () => {
    const seed = Number(process.env.PRICE_SEED ?? Date.now() % 100_000);
    const r = rng(seed);
    const requester = await fundedUser(ctx.db, 1_000_000);
    const owner = await seedUser(ctx.db);
    // one worker serving every model; a request naming one model gets a job on that model
    const worker = {
      name: "pricing",
      models: MODELS.map((m) => m.name),
      maxPixels: 16 * 1024 * 1024,
      allowImg2img: true,
      allowPostProcessing: true,
      allowLora: true,
    };
    for (let i = 0; i < 20; i++) {
      const { input } = randomRequest(r, i);
      const what = `seed ${seed}, request ${i}: ${JSON.stringify({ ...input, sourceImage: undefined })}`;
      const dry = (await ctx.t.gql(CREATE, { input: { ...input, dryRun: true } }, { apikey: requester.apiKey })).data
        .createImageRequest;
      expect(dry.__typename, `${what} ${JSON.stringify(dry)}`).toBe("CreateImageRequestPayload");
      const made = (await ctx.t.gql(CREATE, { input }, { apikey: requester.apiKey })).data.createImageRequest;
      expect(made.kudos, what).toBe(dry.kudos);
      for (let j = 0; j < input.params.n; j++) {
        const popped = await pop(ctx.t, owner.apiKey, worker);
        const job = popped.jobs?.[0];
        expect(job, `${what} pop ${j}: ${JSON.stringify(popped)}`).toBeTruthy();
        expect(outcome(await submit(ctx.t, owner.apiKey, { id: job!.id }))).toBe("SubmitImageJobPayload");
      }
      const charged = -(await ledgerSum(made.request!.id, requester.id));
      expect(charged, what).toBe(Math.round(dry.kudos * 100));
      // a generation creates no kudos: the worker's owner earns what the requester paid beyond the tax
      const earned = await ledgerSum(made.request!.id, owner.id);
      expect(earned, what).toBeLessThanOrEqual(charged);
    }
    await expectLedgerBalanced(ctx.db);
  }, 120_000);
});
