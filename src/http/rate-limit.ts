/**
 * Fixed-window counters per identity (an IP, or a key's hash), as the AI Horde's limiter does.
 * Counts live in this process: with several instances each enforces its own share, which the
 * operator sets by dividing the limit. A limit of 0 disables it.
 */
import { ANONYMOUS_API_KEY } from "../lib/ids.ts";

export class RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one hit; returns 0 when allowed, else the seconds until the window resets. */
  hit(id: string, now = Date.now()): number {
    if (this.limit <= 0) return 0;
    if (now - this.lastSweep > this.windowMs) this.sweep(now);
    let w = this.windows.get(id);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(id, w);
    }
    w.count++;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : 0;
  }

  private sweep(now: number) {
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

/** Counts one hit; 0 when allowed, else the seconds until the client may retry. */
export type Limited = (ip: string | null, key: string | null) => number;

/**
 * The per-IP and per-key limits HTTP and WebSocket share. A hit counts against the IP (when
 * given) and the API key (when one other than the anonymous key is given).
 */
export function createLimits(
  rate: { perIpPerMinute: number; perKeyPerMinute: number },
  hashKey: (key: string) => string,
): Limited {
  const ipLimiter = new RateLimiter(rate.perIpPerMinute);
  const keyLimiter = new RateLimiter(rate.perKeyPerMinute);
  return (ip, key) => {
    const byIp = ip === null ? 0 : ipLimiter.hit(ip);
    if (byIp) return byIp;
    return key && key !== ANONYMOUS_API_KEY ? keyLimiter.hit(hashKey(key)) : 0;
  };
}
