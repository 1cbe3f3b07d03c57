/** Whether `s` is a UUID in its text form (the ids of workers, requests and jobs). */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** The Anonymous account's API key (the AI Horde's): no key at all means the same user. */
export const ANONYMOUS_API_KEY = "0000000000";
