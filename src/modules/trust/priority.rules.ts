/**
 * A request's starting priority (reference §3.2, §3.8, §3.10). Pure.
 */

/** The priority of a request run by an exhausted shared key with allowDowngrade: Anonymous's level. */
export const DOWNGRADED_PRIORITY = -50;
/** A flagged requester with 10 kudos or fewer. */
export const FLAGGED_MIN_PRIORITY = -100;

/**
 * The requester's balance, at least `floor` (registered 25, Anonymous −50); a flagged
 * requester gets round(kudos / 1000) when above 10 kudos, else −100; a request downgraded by
 * an exhausted shared key gets −50.
 */
export function requestPriority(a: { kudos: number; floor: number; flagged: boolean; downgraded: boolean }): number {
  if (a.downgraded) return DOWNGRADED_PRIORITY;
  if (a.flagged) return a.kudos > 10 ? Math.round(a.kudos / 1000) : FLAGGED_MIN_PRIORITY;
  return Math.max(a.kudos, a.floor);
}
