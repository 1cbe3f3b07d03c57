/**
 * Kudos amounts: one representation and one rounding rule for every price, charge and reward.
 *
 * Amounts are computed in integer hundredths ("cents") and rounded exactly once, by
 * {@link roundCents}: half away from zero, after dropping binary floating-point noise below 12
 * significant digits (so 10.825 × 100 = 1082.4999999999999 rounds as the 1082.5 it stands for).
 * Half away from zero is also what Postgres `numeric` does, so an amount stored as
 * `numeric(…, 2)` and read back gives the same cents. The dry-run estimate, the horde tax taken
 * on create and the per-job charge at settlement all go through these functions, which is what
 * makes the estimate equal what is charged (docs/KUDOS.md).
 */

/** A kudos amount in integer hundredths. */
export type Cents = number;

/** THE rounding rule: a value in hundredths to a whole number of hundredths. */
export function roundCents(hundredths: number): Cents {
  const clean = Number(hundredths.toPrecision(12));
  const rounded = Math.sign(clean) * Math.round(Math.abs(clean));
  return rounded === 0 ? 0 : rounded; // no -0
}

/** Kudos (a number, as stored or sent) to cents, by {@link roundCents}. */
export function toCents(kudos: number): Cents {
  return roundCents(kudos * 100);
}

/** Cents to kudos, for the API and the database (exact to 2 decimals when printed). */
export function fromCents(cents: Cents): number {
  return cents / 100;
}

/** Cents scaled by a factor (a baseline multiplier), rounded by the same rule. */
export function scaleCents(cents: Cents, factor: number): Cents {
  return roundCents(cents * factor);
}

/** Cents as the 2-decimal text a `numeric` column takes. */
export function formatCents(cents: Cents): string {
  return (cents / 100).toFixed(2);
}
