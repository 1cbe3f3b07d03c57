import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeBaseline, parseModelReference } from "../../../src/modules/models/models.rules.ts";
import { modelCatalog, syncModelReference } from "../../../src/modules/models/models.service.ts";
import { useTestApp } from "../../support/app.ts";

/**
 * Entries shaped as the AI Horde's published image model reference (stable_diffusion.json):
 * snake_case fields, baselines spelt "stable diffusion 1", optional inpainting and description,
 * extra fields (showcases, config, available) and a scheduler requirement.
 */
const PUBLISHED = {
  stable_diffusion: {
    name: "stable_diffusion",
    baseline: "stable diffusion 1",
    type: "ckpt",
    inpainting: false,
    description: "Generalist AI image generating model.",
    showcases: ["https://example.invalid/01.webp"],
    version: "1.5",
    style: "generalist",
    nsfw: false,
    download_all: true,
    config: { files: [{ path: "model_1_5.ckpt", md5sum: "76cce9b4" }] },
    available: false,
  },
  "stable_diffusion_2.0": {
    name: "stable_diffusion_2.0",
    baseline: "stable diffusion 2",
    type: "ckpt",
    description: "SD 2.0",
    nsfw: false,
    requirements: { min_steps: 20, cfg_scale: 7, samplers: ["k_euler", "k_dpmpp_2m"], clip_skip: 1 },
  },
  "SD 2 512": { baseline: "stable diffusion 2 512", type: "ckpt", nsfw: false },
  "SDXL 1.0": {
    baseline: "stable_diffusion_xl",
    type: "ckpt",
    nsfw: false,
    requirements: { min_steps: 15, max_steps: 60, min_cfg_scale: 2, max_cfg_scale: 10, schedulers: ["karras"] },
  },
  "Stable Cascade 1.0": { baseline: "stable_cascade", type: "ckpt", nsfw: false },
  "Flux.1-Schnell fp8 (Compact)": { baseline: "flux_schnell", type: "ckpt", nsfw: false },
  "Flux.1-Dev": { baseline: "flux_dev", type: "ckpt", nsfw: false },
  "FLUX.1 [dev]": { baseline: "flux_1", type: "ckpt", nsfw: false },
  "Qwen-Image": { baseline: "qwen_image", type: "ckpt", nsfw: false },
  "Z-Image-Turbo": { baseline: "z_image_turbo", type: "ckpt", nsfw: true, inpainting: true },
};

describe("the AI Horde's published image model reference", () => {
  it("maps every baseline name it uses to one this broker prices", () => {
    expect(normalizeBaseline("stable diffusion 1")).toBe("stable_diffusion_1");
    expect(normalizeBaseline("stable diffusion 2")).toBe("stable_diffusion_2");
    expect(normalizeBaseline("stable diffusion 2 512")).toBe("stable_diffusion_2");
    expect(normalizeBaseline("stable_diffusion_2_768")).toBe("stable_diffusion_2");
    expect(normalizeBaseline("stable_diffusion_xl")).toBe("stable_diffusion_xl");
    expect(normalizeBaseline("flux_schnell")).toBe("flux_1");
    expect(normalizeBaseline("z_image_turbo")).toBe("z_image");
    expect(normalizeBaseline("stable diffusion 3")).toBeUndefined();
  });

  it("parses as published: snake_case requirements, optional fields, extra fields ignored", () => {
    const models = parseModelReference(PUBLISHED);
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(models).toHaveLength(Object.keys(PUBLISHED).length);
    expect(byName.get("stable_diffusion")).toMatchObject({ baseline: "stable_diffusion_1", inpainting: false });
    expect(byName.get("stable_diffusion_2.0")?.requirements).toEqual({
      minSteps: 20,
      cfgScale: 7,
      samplers: ["k_euler", "k_dpmpp_2m"],
      clipSkip: 1,
    });
    expect(byName.get("SDXL 1.0")?.requirements).toEqual({
      minSteps: 15,
      maxSteps: 60,
      minCfgScale: 2,
      maxCfgScale: 10,
    });
    expect(byName.get("SD 2 512")).toMatchObject({
      baseline: "stable_diffusion_2",
      description: "",
      inpainting: false,
    });
    expect(byName.get("Flux.1-Dev")?.baseline).toBe("flux_1");
    expect(byName.get("Z-Image-Turbo")).toMatchObject({ baseline: "z_image", nsfw: true, inpainting: true });
  });
});

const dir = mkdtempSync(join(tmpdir(), "model-ref-"));
const file = join(dir, "stable_diffusion.json");
writeFileSync(file, JSON.stringify(PUBLISHED));
const ctx = useTestApp({ env: { MODEL_REFERENCE: file } });

describe("MODEL_REFERENCE pointing at a published reference file", () => {
  it("loads it into the catalog and known_models", async () => {
    const catalog = await syncModelReference(ctx.t.deps);
    expect(catalog.source).toBe(file);
    expect(modelCatalog(ctx.t.deps).byName.get("Flux.1-Dev")?.baseline).toBe("flux_1");
    const rows = await ctx.db.query<{ baseline: string }>("SELECT baseline FROM known_models WHERE name = $1", [
      "SD 2 512",
    ]);
    expect(rows).toEqual([{ baseline: "stable_diffusion_2" }]);
  });
});
