import { GraphQLError } from "graphql";

/**
 * Counts open subscriptions per socket and per client IP, so one client cannot hold an unbounded
 * number of feeds (each costs memory and a place in the wake-up lists). A limit of 0 disables it.
 */
export class SubscriptionCaps {
  private readonly bySocket = new Map<object, Set<string>>();
  private readonly byIp = new Map<string, number>();
  private total = 0;

  /** Subscriptions open now on every socket (for /metrics). */
  get held(): number {
    return this.total;
  }

  constructor(private readonly limits: { perSocket: number; perIp: number }) {}

  /** Counts a new subscription; returns the error to answer instead when a cap is reached. */
  open(socket: object, ip: string, id: string): GraphQLError | null {
    const ids = this.bySocket.get(socket) ?? new Set<string>();
    const { perSocket, perIp } = this.limits;
    if (perSocket > 0 && ids.size >= perSocket) return capError(`at most ${perSocket} subscriptions per connection`);
    const atIp = this.byIp.get(ip) ?? 0;
    if (perIp > 0 && atIp >= perIp) return capError(`at most ${perIp} subscriptions per client address`);
    ids.add(id);
    this.bySocket.set(socket, ids);
    this.byIp.set(ip, atIp + 1);
    this.ips.set(socket, ip);
    this.total++;
    return null;
  }

  private readonly ips = new Map<object, string>();

  /** A subscription ended. */
  close(socket: object, id: string): void {
    const ids = this.bySocket.get(socket);
    if (!ids?.delete(id)) return;
    const ip = this.ips.get(socket);
    if (ip !== undefined) this.decrement(ip, 1);
  }

  /** The socket closed: whatever it still counted is released. */
  forget(socket: object, ip: string): void {
    const ids = this.bySocket.get(socket);
    this.bySocket.delete(socket);
    this.ips.delete(socket);
    if (ids?.size) this.decrement(ip, ids.size);
  }

  private decrement(ip: string, n: number) {
    this.total -= n;
    const left = (this.byIp.get(ip) ?? 0) - n;
    if (left > 0) this.byIp.set(ip, left);
    else this.byIp.delete(ip);
  }
}

function capError(what: string): GraphQLError {
  return new GraphQLError(`Too many subscriptions: ${what}`, { extensions: { code: "TooManySubscriptions" } });
}
