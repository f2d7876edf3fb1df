import { badVersion, compareDigitStrings, compareStrings, digitRunAt, isDigit, requireVersionText, type VersionOrder } from './version-common';

/**
 * Alpine package versions, `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`, ordered as current apk-tools
 * orders them (src/version.c with the `~hash` token: a token stream compared token by token).
 *
 * A version that does not validate (older apk-tools took a number after a letter, `6.6.2p1`) is refused.
 */

const SCHEME = 'apk';
/** apk-tools parses numbers into a uint64. */
const MAX_NUMBER = (2n ** 64n - 1n).toString();

// Token kinds in apk-tools' order: where two versions stop matching, the kind decides (see compareApkVersions).
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;

/** Pre-release suffixes rank below a version without suffix (NONE), post-release ones above it. */
const SUFFIX_RANKS = new Map([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);
const SUFFIX_NONE = 5;

interface Token {
  kind: number;
  text: string;
  suffixRank: number;
}

function tokenize(input: string): Token[] {
  const text = requireVersionText(SCHEME, input);
  const fail = (reason: string) => badVersion(SCHEME, text, reason);
  const tokens: Token[] = [];
  let pos = 0;
  const take = (kind: number, length: number, suffixRank = 0) => {
    tokens.push({ kind, text: text.slice(pos, pos + length), suffixRank });
    pos += length;
  };
  const takeNumber = (kind: number, what: string) => {
    const digits = digitRunAt(text, pos);
    if (digits === '') throw fail(`expected digits ${what} at position ${pos}`);
    if (compareDigitStrings(digits, MAX_NUMBER) > 0) throw fail('a number exceeds apk-tools\' 64-bit range');
    take(kind, digits.length);
  };

  takeNumber(INITIAL_DIGIT, 'at the start');
  while (pos < text.length) {
    const previous = tokens[tokens.length - 1]!.kind;
    const c = text[pos]!;
    if (c >= 'a' && c <= 'z') {
      if (previous > DIGIT) throw fail(`a letter may only follow a number (position ${pos})`);
      take(LETTER, 1);
    } else if (c === '.') {
      if (previous > DIGIT) throw fail(`"." may only follow a number (position ${pos})`);
      pos++;
      takeNumber(DIGIT, 'after "."');
    } else if (isDigit(c)) {
      if (previous !== SUFFIX) throw fail(`a number may not follow a letter (position ${pos})`);
      takeNumber(SUFFIX_NO, 'after the suffix');
    } else if (c === '_') {
      if (previous > SUFFIX_NO) throw fail(`a "_" suffix may not follow a hash or revision (position ${pos})`);
      pos++;
      const name = /^[a-z]*/.exec(text.slice(pos))![0];
      const rank = SUFFIX_RANKS.get(name);
      if (rank === undefined) throw fail(`unknown suffix "_${name}" (known: _${[...SUFFIX_RANKS.keys()].join(', _')})`);
      take(SUFFIX, name.length, rank);
    } else if (c === '~') {
      if (previous >= COMMIT_HASH) throw fail(`a "~" hash may not follow a hash or revision (position ${pos})`);
      pos++;
      const hash = /^[0-9a-f]*/.exec(text.slice(pos))![0];
      if (hash === '') throw fail(`expected lowercase hex digits after "~" (position ${pos})`);
      take(COMMIT_HASH, hash.length);
    } else if (c === '-' && text[pos + 1] === 'r' && previous < REVISION_NO) {
      pos += 2;
      takeNumber(REVISION_NO, 'after "-r"');
    } else {
      throw fail(`unexpected "${c}" at position ${pos} (a revision is "-r" and digits, and ends the version)`);
    }
  }
  tokens.push({ kind: END, text: '', suffixRank: 0 });
  return tokens;
}

/** apk-tools' token_cmp for two tokens of the same kind. */
function compareTokens(a: Token, b: Token): VersionOrder {
  switch (a.kind) {
    case DIGIT:
      // A component with a leading zero compares as a string, as in Gentoo: 1.02 < 1.1 < 1.10.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareDigitStrings(a.text, b.text);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigitStrings(a.text, b.text);
    case SUFFIX:
      return a.suffixRank < b.suffixRank ? -1 : a.suffixRank > b.suffixRank ? 1 : 0;
    default:
      // Letters and commit hashes compare as strings.
      return compareStrings(a.text, b.text);
  }
}

export function compareApkVersions(a: string, b: string): VersionOrder {
  const x = tokenize(a);
  const y = tokenize(b);
  let i = 0;
  for (; x[i]!.kind === y[i]!.kind && x[i]!.kind !== END; i++) {
    const result = compareTokens(x[i]!, y[i]!);
    if (result !== 0) return result;
  }
  const ta = x[i]!;
  const tb = y[i]!;
  if (ta.kind === tb.kind) return 0;
  // Equal so far: the version that goes on is newer, unless what follows is a pre-release suffix, and a token
  // kind that comes later in the grammar means the other version went on with an earlier, more significant part.
  if (ta.kind === SUFFIX && ta.suffixRank < SUFFIX_NONE) return -1;
  if (tb.kind === SUFFIX && tb.suffixRank < SUFFIX_NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}
