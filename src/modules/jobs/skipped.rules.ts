/**
 * Why nothing fits a worker: the AI Horde's `skipped` counts (reference §3.3 step 9), which an
 * empty pop returns so that worker operators can fix their settings. Pure: the reasons and how
 * the database's per-reason counts become the answer.
 */

/**
 * Every reason a request can be skipped for, as the database's `image_skip_reasons` names it
 * (the AI Horde's keys), with the field it is counted in. `extra_slow_worker` is ours: the AI
 * Horde checks it without counting it.
 */
export const SKIP_REASONS = {
  models: "models",
  worker_id: "workerId",
  max_pixels: "maxPixels",
  img2img: "img2img",
  painting: "painting",
  nsfw: "nsfw",
  lora: "lora",
  "post-processing": "postProcessing",
  controlnet: "controlnet",
  performance: "performance",
  untrusted: "untrusted",
  blacklist: "blacklist",
  step_count: "stepCount",
  kudos: "kudos",
  extra_slow_worker: "extraSlowWorker",
} as const;

/** A counted field of {@link PopSkipped}. */
export type SkipField = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/**
 * The counts: for each reason, how many of the requests waiting now this worker skips for it (a
 * request failing two rules counts under both, as in the AI Horde); `requests` is how many
 * waiting requests were looked at (at most {@link SKIPPED_SCAN_LIMIT}).
 */
export type PopSkipped = Record<SkipField, number> & { requests: number };

/**
 * How many requests with waiting jobs one count looks at. The count runs only when a client
 * asks for it, but an idle worker may ask on every poll: past this many requests it says what it
 * saw in these, and the cost stays bounded whatever the queue's length.
 */
export const SKIPPED_SCAN_LIMIT = 1000;

/** The answer from the database's rows (reason, count) and the number of requests looked at. */
export function skippedFrom(rows: readonly { reason: string; count: number }[], requests: number): PopSkipped {
  const out = { requests } as PopSkipped;
  for (const field of Object.values(SKIP_REASONS)) out[field] = 0;
  for (const { reason, count } of rows) {
    const field = (SKIP_REASONS as Record<string, SkipField>)[reason];
    // A reason this code does not know (a newer migration) is not lost silently in development.
    if (field === undefined) throw new Error(`image_skip_reasons returned an unknown reason ${reason}`);
    out[field] += count;
  }
  return out;
}
