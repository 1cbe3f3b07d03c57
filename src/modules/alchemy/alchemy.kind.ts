/**
 * The alchemy kind as the engine sees it (jobs/kinds.ts): the workers row's columns an
 * alchemist's check-in writes (its forms go in `models`, the engine's claim matches them like
 * models), the feed's guess, and the per-form fault policy. Eligibility is `alchemy_eligible`
 * (migration 20261201220001_engine); the price is alchemy.workers.service.ts `formMoney`.
 */
import { commonMightTake, defineKind } from "../jobs/jobs.service.ts";
import { ALCHEMY_LIMITS, type AlchemyWorkerDeclaration } from "./alchemy.rules.ts";

/** An alchemist's speed before its first form: 1 second per form (not slow; slow is ≥ 10). */
export const ALCHEMY_INITIAL_SPEED = 1;

const TILE_PIXELS = ALCHEMY_LIMITS.tileSide * ALCHEMY_LIMITS.tileSide;

export const alchemyKind = defineKind<AlchemyWorkerDeclaration>({
  kind: "alchemy",
  // Each form stands alone: a form dropped too often faults by itself, never its siblings.
  faults: "job",
  workerColumns: (d) => ({
    models: d.models,
    nsfw: false,
    threads: d.threads,
    bridge_agent: d.bridgeAgent,
    max_tiles: d.maxTiles,
  }),
  // A wake-up carries the image's pixels; it needs at least pixels / 512² tiles.
  mightTake: (d, hint) => commonMightTake(d, hint) && hint.pixels / TILE_PIXELS <= d.maxTiles,
});
