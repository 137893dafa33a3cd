// Formatting and exact arithmetic. Amounts arrive as decimal strings and are printed from them,
// never through a float: a float is used only for a chart's geometry. Sums (a day's balance, a
// month's income) are done on BigInt minor units at a fixed scale.

const SCALE = 6; // decimal places kept in exact sums: more than any currency or analysis uses
const UNIT = 10n ** BigInt(SCALE);

/** A decimal string (or number) as BigInt units of 10^-SCALE; null when it is not a number. */
export function toUnits(value) {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const frac = (m[3] || '').padEnd(SCALE, '0');
  let units = BigInt(m[2] || '0') * UNIT + BigInt(frac.slice(0, SCALE) || '0');
  // Beyond SCALE digits: round half away from zero.
  if ((m[3] || '').length > SCALE && Number((m[3] || '')[SCALE]) >= 5) units += 1n;
  return m[1] === '-' ? -units : units;
}

/** BigInt units back to a plain decimal string (no grouping). */
export function fromUnits(units) {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const int = abs / UNIT;
  const frac = (abs % UNIT).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Units as a float, for geometry only. */
export function unitsToFloat(units) {
  return Number(units) / Number(UNIT);
}

/**
 * An amount as printed: grouped with commas, two decimals (rounded half away from zero at the
 * cent, the only change ever made), a true minus sign. `–` when absent.
 */
export function money(value) {
  const units = toUnits(value);
  if (units === null) return '–';
  const negative = units < 0n;
  let abs = negative ? -units : units;
  const cent = UNIT / 100n;
  const remainder = abs % cent;
  abs -= remainder;
  if (remainder * 2n >= cent) abs += cent;
  const int = (abs / UNIT).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = ((abs % UNIT) / cent).toString().padStart(2, '0');
  return `${negative && abs !== 0n ? '−' : ''}${int}.${frac}`;
}

/** A short axis label: 12.5k, 1.2M. */
export function compact(number) {
  const abs = Math.abs(number);
  const sign = number < 0 ? '−' : '';
  if (abs >= 1e6) return `${sign}${trim(abs / 1e6)}M`;
  if (abs >= 1e3) return `${sign}${trim(abs / 1e3)}k`;
  return `${sign}${trim(abs)}`;
}
function trim(n) {
  return (Math.round(n * 10) / 10).toString();
}

/** A share 0–1 as a percentage. */
export function percent(share, digits = 1) {
  const n = Number(share);
  if (share === null || share === undefined || Number.isNaN(n)) return '–';
  return `${(n * 100).toFixed(digits)}%`;
}

/** FOOD_AND_DRINK → Food and drink. */
export function humanize(code) {
  if (code === null || code === undefined || code === '') return '–';
  const text = String(code).replace(/_/g, ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A scalar for display. */
export function text(value) {
  if (value === null || value === undefined || value === '') return '–';
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  return String(value);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** 2024-03-05 → 5 Mar 2024 (dates are calendar dates: no time zone is involved). */
export function date(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!m) return text(iso);
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** 2024-03 → Mar 2024 (or March 2024 when `long`). */
export function month(ym, long = false) {
  const m = /^(\d{4})-(\d{2})/.exec(ym || '');
  if (!m) return text(ym);
  return `${(long ? MONTHS_LONG : MONTHS)[Number(m[2]) - 1]} ${m[1]}`;
}

/** First and last day of a month `YYYY-MM`. */
export function monthRange(ym) {
  const [y, m] = ym.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${ym}-01`, `${ym}-${String(last).padStart(2, '0')}`];
}

/** Days between two ISO dates. */
export function dayIndex(start, iso) {
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86400000);
}

/** The ISO date `days` after `start`. */
export function addDays(start, days) {
  return new Date(Date.parse(`${start}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/**
 * A timestamp (RFC 3339) as local date and time, `26 Nov 2026, 18:34`. Built by hand, like the
 * dates: the first `toLocaleString` of a fresh tab loads the locale data (~30 ms measured).
 */
export function timestamp(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return text(iso);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A byte count. */
export function bytes(n) {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
