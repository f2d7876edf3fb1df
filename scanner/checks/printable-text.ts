/**
 * What a remote service sent, made safe to store and show: UTF-8 decoded, control and invisible
 * formatting characters (bidi overrides, zero-width) written as escapes, cut to `maxChars` without
 * splitting an escape. Never throws, whatever the bytes.
 */
export function toPrintableText(options: { bytes: Buffer | string; maxChars: number }): string {
  const text = typeof options.bytes === 'string' ? options.bytes : options.bytes.toString('utf8');
  let out = '';
  for (const char of text.trimEnd()) {
    const piece = escapeChar(char);
    if (out.length + piece.length > options.maxChars) break;
    out += piece;
  }
  return out;
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * By Unicode category rather than a hand list: every control (Cc), format character (Cf: bidi
 * marks, zero-width, soft hyphen, Arabic number signs, tag characters…) and line or paragraph
 * separator (Zl, Zp) — a list missed U+0602 once, from random bytes.
 */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

function escapeChar(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named) return named;
  if (!INVISIBLE.test(char)) return char;
  const code = char.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}
