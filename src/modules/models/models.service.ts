import { readFile } from "node:fs/promises";
import type { Deps } from "../../deps.ts";
import { onlineSince } from "../workers/workers.rules.ts";
import { BUNDLED_MODELS, indexModels, type ModelInfo, parseModelReference } from "./models.rules.ts";
import { type ModelFigures, readModelFigures, readTextModels } from "./models.sql.ts";

/** The image models this instance knows, by name; replaced whole on every refresh. */
export interface ModelCatalog {
  byName: ReadonlyMap<string, ModelInfo>;
  list: readonly ModelInfo[];
  source: string;
}

/** Where an instance keeps its current catalog (Deps.catalog); a sync swaps `current` whole. */
export interface ModelCatalogHolder {
  current: ModelCatalog;
}

/** A new instance's catalog holder, with the bundled reference until the first sync. */
export function createModelCatalog(): ModelCatalogHolder {
  return { current: { byName: indexModels(BUNDLED_MODELS), list: BUNDLED_MODELS, source: "bundled" } };
}

/** The catalog of this instance. */
export function modelCatalog(deps: Pick<Deps, "catalog">): ModelCatalog {
  return deps.catalog.current;
}

/** Reads the configured reference: a file path or an http(s) URL; the bundled copy otherwise. */
async function readReference(source: string | undefined): Promise<ModelInfo[]> {
  if (!source) return BUNDLED_MODELS;
  const text = /^https?:\/\//.test(source)
    ? await fetch(source, { signal: AbortSignal.timeout(10_000) }).then((r) => {
        if (!r.ok) throw new Error(`model reference ${source}: HTTP ${r.status}`);
        return r.text();
      })
    : await readFile(source, "utf8");
  return parseModelReference(JSON.parse(text));
}

/**
 * Loads the model reference into the database and this instance's catalog. A reference that
 * cannot be read or parsed keeps the previous catalog (at start-up: the bundled one) and is
 * reported; models are added and updated, never deleted, so requests naming a model that a
 * newer reference dropped still read correctly.
 */
export async function syncModelReference(deps: Deps): Promise<ModelCatalog> {
  const source = deps.config.modelReference;
  let models: ModelInfo[];
  try {
    models = await readReference(source);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, source }, "model reference not loaded; keeping the previous one");
    return modelCatalog(deps);
  }
  await deps.db.query(
    `INSERT INTO known_models (name, kind, baseline, nsfw, inpainting, description, info)
     SELECT m->>'name', 'image', m->>'baseline', (m->>'nsfw')::boolean, (m->>'inpainting')::boolean,
            m->>'description', m->'requirements'
       FROM jsonb_array_elements($1::jsonb) AS m
     ON CONFLICT (name) DO UPDATE SET baseline = EXCLUDED.baseline, nsfw = EXCLUDED.nsfw,
       inpainting = EXCLUDED.inpainting, description = EXCLUDED.description, info = EXCLUDED.info`,
    [JSON.stringify(models)],
  );
  deps.catalog.current = { byName: indexModels(models), list: models, source: source ?? "bundled" };
  return deps.catalog.current;
}

/** A model of the reference with its live load and rolled-up history. */
export type ModelRow = ModelInfo &
  ModelFigures & {
    kind: "image" | "text" | "alchemy";
    /** text models: the size workers declared it with (its name's size tag); null when unknown */
    parameters?: number | null;
  };

/** The text models workers declared (the model table), as catalog entries of no image baseline. */
async function textCatalog(
  deps: Pick<Deps, "db">,
  name?: string,
): Promise<(ModelInfo & { parameters: number | null })[]> {
  const rows = await readTextModels(deps.db, name);
  return rows.map((r) => ({
    name: r.name,
    baseline: "text" as ModelInfo["baseline"],
    nsfw: false,
    inpainting: false,
    description: "",
    requirements: {} as ModelInfo["requirements"],
    parameters: r.parameters === null ? null : Number(r.parameters),
  }));
}

/**
 * The known models of a kind with their figures, in reference order (one statement); only
 * `name` when given. Image models come from the reference; text models from the model table
 * workers fill when they declare them (issue 12); alchemy has none yet, so the list is empty. A name outside the reference is answered without touching the database.
 */
export async function listModels(
  deps: Pick<Deps, "db" | "clock" | "catalog">,
  kind: "image" | "text" | "alchemy",
  name?: string,
): Promise<ModelRow[]> {
  if (kind === "alchemy") return [];
  const catalog = modelCatalog(deps);
  const known: (ModelInfo & { parameters?: number | null })[] =
    kind === "text"
      ? await textCatalog(deps, name)
      : name === undefined
        ? [...catalog.list]
        : [catalog.byName.get(name)].filter((m) => m !== undefined);
  if (known.length === 0) return [];
  const since = onlineSince(deps.clock.now());
  const figures = await readModelFigures(deps.db, { kind, names: known.map((m) => m.name), onlineSince: since });
  const byName = new Map(figures.map((f) => [f.name, f]));
  return known.map((m) => {
    const f = byName.get(m.name);
    return {
      ...m,
      kind,
      name: m.name,
      workers: f?.workers ?? 0,
      threads: f?.threads ?? 0,
      workerSpeed: f?.workerSpeed ?? null,
      jobs: f?.jobs ?? 0,
      queued: f?.queued ?? 0,
      hourPerformance: f?.hourPerformance ?? null,
      day: f?.day ?? 0,
      month: f?.month ?? 0,
      total: f?.total ?? 0,
    };
  });
}
