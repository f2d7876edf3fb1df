/**
 * A cell a spreadsheet would run as a formula (CSV injection): it starts with = + - @, or with a
 * tab or carriage return that some spreadsheets skip before one of those.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field; a would-be formula is prefixed with ' so it stays text. */
export function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const inert = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/** One record, CRLF-terminated as RFC 4180 asks, so lines concatenate into a file. */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
