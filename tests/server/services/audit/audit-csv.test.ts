import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../../server/services/audit/audit-csv';

describe('CSV cells (RFC 4180)', () => {
  it('leaves plain values as they are', () => {
    expect(csvCell('auth.login')).toBe('auth.login');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell('')).toBe('');
    expect(csvCell("it's")).toBe("it's");
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it('turns would-be formulas into text with a leading quote', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+41 79 000')).toBe("'+41 79 000");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('joins a record with commas and ends it with CRLF', () => {
    expect(csvLine(['a', 1, null, 'x,y', '=z'])).toBe('a,1,,"x,y",\'=z\r\n');
  });
});
