/**
 * Fixed-window counters per identity (an IP, or a key's hash), as the AI Horde's limiter does.
 * Counts live in this process: with several instances each enforces its own share, which the
 * operator sets by dividing the limit. A limit of 0 disables it.
 */
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
