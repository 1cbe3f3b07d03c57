/**
 * Code lists more than one mutation's errors are built from (error-codes.ts and each kind's
 * error-codes.<kind>.ts import them; kept apart so those files do not import each other).
 */

/** Codes of the guard every string input passes (guard.ts); every mutation has string inputs. */
export const GUARD = ["InvalidCharacters"] as const;

/** Why a worker's check-in is refused, whatever its kind (who may run workers, the trust gate, the name). */
export const WORKER_CHECK_IN_FORBIDDEN = [
  "AnonForbidden",
  "SharedKeyForbidden",
  "WorkerFlaggedMaintenance",
  "WorkerMaintenance",
  "WrongCredentials",
  "PolymorphicNameConflict",
  "TooManyWorkers",
  "TimeoutIP",
  "WorkerInviteOnly",
  "TooManySameIPs",
] as const;
