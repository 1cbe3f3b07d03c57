/**
 * Addresses and networks for IP blocks (reference §1.12). Pure, but uses node:net's parser, so
 * it is not a *.rules.ts file (those may not import node:net).
 */
import { BlockList, isIP } from "node:net";

/**
 * An address or a network as moderators give it: `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/64`.
 * Returns the canonical text or null when it is neither.
 */
export function parseNetwork(raw: string): { text: string; family: 4 | 6; prefix: number } | null {
  const [addr, bits, extra] = raw.trim().split("/");
  if (!addr || extra !== undefined) return null;
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return null;
  const max = family === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix < (family === 4 ? 8 : 16) || prefix > max) return null;
  return { text: `${addr}/${prefix}`, family, prefix };
}

/** The network a worker's address is blocked as: the address itself for IPv4, its /64 for IPv6. */
export function workerBlockNetwork(ip: string): string | null {
  const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(plain);
  if (family === 4) return `${plain}/32`;
  if (family === 6) return `${plain}/64`;
  return null;
}

/** A network row as stored (`inet` text: `10.0.0.0/24`, or a bare address for a /32 or /128). */
export function blockListOf(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const n of networks) {
    const [addr = "", bits] = n.split("/");
    const family = isIP(addr);
    if (family === 0) continue;
    const type = family === 4 ? "ipv4" : "ipv6";
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    list.addSubnet(addr, prefix, type);
  }
  return list;
}

/** Whether `ip` (v4, v6 or v4-mapped v6) is in the list. */
export function listed(list: BlockList, ip: string): boolean {
  const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? "ipv4" : "ipv6");
}
