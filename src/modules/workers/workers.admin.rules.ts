/**
 * What an owner or a moderator may change on a worker (reference §1.5 PUT /workers/{id}) and the
 * rules of worker messages. Pure.
 */
import { canonicalName } from "../../lib/names.ts";
import { refuseWorkerName } from "./workers.rules.ts";

/** The longest `info` (reference: 1000). */
export const MAX_WORKER_INFO = 1000;
/** The longest worker message. */
export const MAX_WORKER_MESSAGE = 1000;
/** A message's lifetime in hours: default 12, at most 720 (30 days). */
export const DEFAULT_MESSAGE_HOURS = 12;
export const MAX_MESSAGE_HOURS = 720;
/** The origin of a moderator's message when none is given. */
export const MODERATORS_ORIGIN = "AI Horde Moderators";

type Checked<T> = { ok: true; value: T } | { ok: false; code: string; message: string; field: string };

const PROFANITY = /fuck|shit|cunt|nigger|faggot|retard|whore/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** A new worker name: the pop's name rules, 5 to 100 characters, no profanity (reference). */
export function checkRename(raw: string): Checked<string> {
  const name = canonicalName(raw);
  const refused = refuseWorkerName(name);
  if (refused && !refused.ok) return refused;
  if ([...name].length < 5) {
    return { ok: false, code: "InvalidWorkerName", message: "A worker name has 5 to 100 characters", field: "name" };
  }
  if (PROFANITY.test(name)) {
    return { ok: false, code: "ProfaneWorkerName", message: "That worker name is not allowed", field: "name" };
  }
  return { ok: true, value: name };
}

/** A worker's info: at most 1000 characters, printable, no profanity; empty clears it. */
export function checkInfo(raw: string): Checked<string | null> {
  const text = raw.trim();
  if (CONTROL.test(text) || [...text].length > MAX_WORKER_INFO || PROFANITY.test(text)) {
    return {
      ok: false,
      code: "InvalidWorkerInfo",
      message: `info is printable text of at most ${MAX_WORKER_INFO} characters, without profanity`,
      field: "info",
    };
  }
  return { ok: true, value: text.length > 0 ? text : null };
}

/** A message to worker owners and its lifetime in hours. */
export function checkMessage(raw: string, hours: number | null | undefined): Checked<{ text: string; hours: number }> {
  const text = raw.trim();
  if (text.length === 0 || CONTROL.test(text) || [...text].length > MAX_WORKER_MESSAGE) {
    return {
      ok: false,
      code: "InvalidWorkerMessage",
      message: `A message is 1 to ${MAX_WORKER_MESSAGE} printable characters`,
      field: "message",
    };
  }
  const h = hours ?? DEFAULT_MESSAGE_HOURS;
  if (!Number.isInteger(h) || h < 1 || h > MAX_MESSAGE_HOURS) {
    return {
      ok: false,
      code: "InvalidExpiry",
      message: `expiry is a whole number of hours from 1 to ${MAX_MESSAGE_HOURS}`,
      field: "expiry",
    };
  }
  return { ok: true, value: { text, hours: h } };
}
