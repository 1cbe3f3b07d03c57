import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/**
 * Every setting the server reads, validated in one place. This is the only module that reads
 * `process.env`; everything else receives a {@link Config}.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default("./data"),
  BLOB_DIR: z.string().min(1).optional(),
  PUBLIC_URL: z.string().url().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  MODEL_REFERENCE: z.string().min(1).optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  MAX_ALIASES: z.coerce.number().int().min(1).max(500).default(30),
  MAX_TOKENS: z.coerce.number().int().min(50).max(100_000).default(2000),
  MAX_COST: z.coerce.number().int().min(100).default(20_000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  REQUEST_EXPIRY_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .default(20 * 60),
  MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 60),
  REDIS_PREFIX: z.string().default("horde:"),
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(0).default(100),
  MAX_SUBSCRIPTIONS_PER_IP: z.coerce.number().int().min(0).default(1000),
  CORS_ORIGINS: z
    .string()
    .default("*")
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.union([
            z.literal("*"),
            z.string().regex(/^https?:\/\/[^/\s]+$/, "each origin must be like https://example.com (no path)"),
          ]),
        )
        .min(1, "must be * or a comma-separated list of origins"),
    )
    .transform((list) => (list.includes("*") ? ("*" as const) : list)),
  KUDOS_TRUST_THRESHOLD: z.coerce.number().int().min(0).max(100_000_000).optional(),
  // trust (issue 11): the operator's unsafe-IP list (the AI Horde asks an external IP checker;
  // without network, addresses or CIDR networks listed here are the unsafe ones)
  UNSAFE_IPS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isNetwork), "each entry must be an IP address or a CIDR network"),
  // trust (issue 11): user ids of the horde's admins, who alone set maintenance mode once listed
  HORDE_ADMINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((n) => /^\d{1,9}$/.test(n)), "a comma-separated list of user ids")
    .transform((list) => list.map(Number)),
  MAX_WORKERS_PER_IP: z.coerce.number().int().min(0).max(10_000).default(3),
  SUSPICION_MAX_MPS: z.coerce.number().min(0).max(1_000_000).default(20),
  IP_BLOCK_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  METRICS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  SOURCE_URL_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  blobDir: string;
  publicUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of the Redis pub/sub channels, so several deployments can share one Redis. */
  redisPrefix: string;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  nodeEnv: z.infer<typeof schema>["NODE_ENV"];
  modelReference: string | undefined;
  maxBodyBytes: number;
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number };
  rateLimit: { perIpPerMinute: number; perKeyPerMinute: number };
  requestExpirySeconds: number;
  maxImageBytes: number;
  sweepIntervalMs: number;
  /** Seconds a request's prompt, parameters and images are kept after it ended (shared images live on in the dataset). */
  retentionSeconds: number;
  trustProxy: boolean;
  /** Escrow above which an account becomes trusted automatically; null: never (reference §3.10). */
  kudosTrustThreshold: number | null;
  /** Addresses and CIDR networks the operator lists as unsafe (VPNs, proxies; reference §3.3, §3.10). */
  unsafeIps: readonly string[];
  /** User ids of the admins; when any, only they (as moderators) set maintenance mode. */
  hordeAdmins: readonly number[];
  /** Workers of an untrusted owner one IP may host (trusted: 20, or the owner's invite count); 0: no limit. */
  maxWorkersPerIp: number;
  /** Megapixelsteps per second above which a job raises UNREASONABLY_FAST; 0: never. */
  suspicionMaxMps: number;
  /** How long an instance trusts its copy of the IP blocks before reading them again. */
  ipBlockCacheMs: number;
  /** Open subscriptions allowed per WebSocket and per client IP; 0 turns a cap off. */
  subscriptions: { perSocket: number; perIp: number };
  /** Origins allowed to call the API from a browser: `"*"` (any, never with credentials) or a list. */
  corsOrigins: "*" | readonly string[];
  /** Whether `/metrics` answers (Prometheus text); off, it is a 404. */
  metrics: boolean;
  /**
   * Whether an alchemy source image URL may name an internal address (loopback, private ranges):
   * off, the server cannot be made to fetch from its own network.
   */
  sourceUrlAllowPrivate: boolean;
}

/** Raised for a bad setting; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates settings; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    blobDir: path.resolve(e.BLOB_DIR ?? path.join(dataDir, "blobs")),
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
    modelReference: e.MODEL_REFERENCE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxCost: e.MAX_COST,
    },
    rateLimit: { perIpPerMinute: e.RATE_LIMIT_PER_MINUTE, perKeyPerMinute: e.RATE_LIMIT_PER_KEY_PER_MINUTE },
    requestExpirySeconds: e.REQUEST_EXPIRY_SECONDS,
    kudosTrustThreshold: e.KUDOS_TRUST_THRESHOLD ?? null,
    unsafeIps: e.UNSAFE_IPS,
    hordeAdmins: e.HORDE_ADMINS,
    maxWorkersPerIp: e.MAX_WORKERS_PER_IP,
    suspicionMaxMps: e.SUSPICION_MAX_MPS,
    ipBlockCacheMs: e.IP_BLOCK_CACHE_MS,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    retentionSeconds: e.RETENTION_SECONDS,
    trustProxy: e.TRUST_PROXY,
    subscriptions: { perSocket: e.MAX_SUBSCRIPTIONS_PER_SOCKET, perIp: e.MAX_SUBSCRIPTIONS_PER_IP },
    corsOrigins: e.CORS_ORIGINS,
    metrics: e.METRICS,
    sourceUrlAllowPrivate: e.SOURCE_URL_ALLOW_PRIVATE,
  };
}

/** An IP address, or a network `address/prefix` of a valid length for its family. */
function isNetwork(raw: string): boolean {
  const [addr = "", bits, extra] = raw.split("/");
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}
