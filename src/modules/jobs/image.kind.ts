/**
 * The image kind as the engine sees it (kinds.ts): its workers row columns, the feed's guess
 * (the request's size within the worker's max pixels), and the request-wide fault policy.
 * Eligibility is `image_eligible` (migrations); the price is jobs.service.ts `imagePrice`.
 */
import { type ImageWorkerDeclaration, imageWorkerColumns } from "../workers/workers.rules.ts";
import { commonMightTake, defineKind } from "./kinds.ts";

export const imageKind = defineKind<ImageWorkerDeclaration>({
  kind: "image",
  faults: "request",
  workerColumns: imageWorkerColumns,
  mightTake: (d, hint) => commonMightTake(d, hint) && hint.pixels <= d.maxPixels,
});
