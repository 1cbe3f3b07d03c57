/**
 * The SQL the image queue shares between the module that fills it (requests) and the one that
 * drains it (jobs): which requests are live, and in what order workers are served. Fragments,
 * not statements: they are spliced into the statements of both modules, which alias the
 * requests table as `r`.
 */

/**
 * Queue order. A request's priority is its requester's kudos when accepted, aged upward by
 * 5 per second of waiting (the AI Horde adds 50 every 10 s). Ordering by
 * `priority + 5·(now − created)` is the same as ordering by `priority − 5·created`, which needs
 * no sweep to age anything and no `now` at all.
 */
export const QUEUE_KEY = "(r.priority - 5 * extract(epoch FROM r.created_at))";

/** {@link QUEUE_KEY} first, then age: the order requests are served in. */
export const QUEUE_ORDER = `${QUEUE_KEY} DESC, r.created_at ASC`;

/** A live request can still hand out jobs. */
export const LIVE = "NOT r.faulted AND NOT r.cancelled AND NOT r.expired";
