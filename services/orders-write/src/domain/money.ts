/*
 * Money is exact: DECIMAL strings in MySQL, integer cents in the domain and in events, and a JSON number with at
 * most two decimals on the wire. Floats are never multiplied: 0.10 × 3 must be 0.30, not 0.30000000000000004.
 */

/** "1999.99" | 1999.99 → 199999. Throws on more than two decimals (callers validate first). */
export function toCents(amount: string | number): number {
  const text = typeof amount === 'number' ? amount.toFixed(2) : amount;
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a money amount: ${text}`);
  const [, sign, units = '0', fraction = ''] = match;
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

/** 199999 → 1999.99 (the closest double prints back as exactly that decimal). */
export const centsToNumber = (cents: number): number => cents / 100;

/** 199999 → "1999.99", for DECIMAL columns. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** True when a JSON number has at most two decimals (1.1 and 59.5 yes, 1.001 no). */
export function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = value * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}
