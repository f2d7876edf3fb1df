/**
 * Dates reach client components as Date (server render) or as ISO strings (tRPC over HTTP has no
 * transformer), and are shown in UTC either way, so the server's HTML and the browser's agree.
 */
export type DateLike = Date | string | null | undefined;

function toDate(value: DateLike): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2026-11-23 18:45 UTC`, or an em dash. */
export function formatDateTime(value: DateLike, options: { seconds?: boolean } = {}): string {
  const date = toDate(value);
  if (!date) return '—';
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, options.seconds ? 19 : 16)} UTC`;
}

export function formatDay(value: DateLike): string {
  const date = toDate(value);
  return date ? date.toISOString().slice(0, 10) : '—';
}

export function timeOf(value: DateLike): number {
  return toDate(value)?.getTime() ?? 0;
}

/** "in 3 days", "5 min ago": relative to `now`, which the caller passes so renders agree. */
export function formatRelative(value: DateLike, now: number): string {
  const date = toDate(value);
  if (!date) return '—';
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const [amount, unit] =
    abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86_400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), abs < 172_800 ? 'day' : 'days'];
  if (abs < 5) return 'just now';
  return seconds < 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A browser's user-agent string, shortened to what a person recognises. */
export function describeUserAgent(userAgent: string): string {
  if (!userAgent) return 'Unknown client';
  const browser =
    /Edg\/(\d+)/.exec(userAgent)?.[0].replace('Edg/', 'Edge ') ??
    /Firefox\/(\d+)/.exec(userAgent)?.[0].replace('/', ' ') ??
    /(?:Chromium|Chrome)\/(\d+)/.exec(userAgent)?.[0].replace('/', ' ') ??
    (/Version\/(\d+).*Safari/.exec(userAgent) ? `Safari ${/Version\/(\d+)/.exec(userAgent)![1]}` : null) ??
    (/curl\/[\d.]+/.exec(userAgent)?.[0] ?? null);
  const os = /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (!browser) return userAgent.slice(0, 60);
  return os ? `${browser} on ${os}` : browser;
}
