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

function isInvisible(code: number): boolean {
  return (
    code < 0x20 || // C0 controls
    (code >= 0x7f && code <= 0x9f) || // DEL, C1 controls
    (code >= 0x200b && code <= 0x200f) || // zero-width, LRM/RLM
    (code >= 0x2028 && code <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (code >= 0x2060 && code <= 0x2069) || // word joiner, bidi isolates
    code === 0xfeff
  );
}

function escapeChar(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named) return named;
  const code = char.codePointAt(0)!;
  if (!isInvisible(code)) return char;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
