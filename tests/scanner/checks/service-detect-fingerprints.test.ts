import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toPrintableText } from '../../../scanner/checks/printable-text';
import { identifyGreeting, identifyHttpServer } from '../../../scanner/checks/service-fingerprints';

const greeting = (text: string, port = 2000) => identifyGreeting({ bytes: Buffer.from(text, 'latin1'), port });

describe('identifyGreeting', () => {
  it.each([
    ['SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n', { name: 'ssh', product: 'OpenSSH', version: '9.2p1', cpe: 'cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*' }],
    ['SSH-2.0-OpenSSH_9.6\r\n', { name: 'ssh', product: 'OpenSSH', version: '9.6', cpe: 'cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*' }],
    ['SSH-2.0-dropbear_2022.83\r\n', { name: 'ssh', product: 'Dropbear SSH', version: '2022.83', cpe: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2022.83:*:*:*:*:*:*:*' }],
    ['SSH-1.99-Cisco-1.25\r\n', { name: 'ssh' }],
    ['220 ProFTPD 1.3.5e Server (Debian) [::ffff:127.0.0.1]\r\n', { name: 'ftp', product: 'ProFTPD', version: '1.3.5e', cpe: 'cpe:2.3:a:proftpd:proftpd:1.3.5:e:*:*:*:*:*:*' }],
    ['220---------- Welcome to Pure-FTPd [privsep] ----------\r\n', { name: 'ftp', product: 'Pure-FTPd' }],
    ['220 mx.example ESMTP Sendmail 8.15.2/8.15.2; Mon, 3 Jun 2024\r\n', { name: 'smtp', product: 'Sendmail', version: '8.15.2', cpe: 'cpe:2.3:a:sendmail:sendmail:8.15.2:*:*:*:*:*:*:*' }],
    ['220 files.example FTP server ready\r\n', { name: 'ftp' }],
    ['220 relay.example Microsoft ESMTP MAIL Service ready\r\n', { name: 'smtp' }],
    ['+OK Dovecot (Debian) ready.\r\n', { name: 'pop3', product: 'Dovecot' }],
    ['+OK POP3 server ready\r\n', { name: 'pop3' }],
    ['* OK IMAP4rev1 server ready\r\n', { name: 'imap' }],
    ['RFB 003.008\n', { name: 'vnc' }],
    ['\xff\xfd\x18\xff\xfd\x20', { name: 'telnet' }],
  ])('%j', (text, identity) => {
    expect(greeting(text)).toEqual(identity);
  });

  it('a bare 220 is FTP on the FTP ports and SMTP elsewhere', () => {
    expect(greeting('220 ready\r\n', 21)).toEqual({ name: 'ftp' });
    expect(greeting('220 ready\r\n', 25)).toEqual({ name: 'smtp' });
  });

  it('reads the MySQL and MariaDB handshake packet', () => {
    const packet = (version: string) => {
      const payload = Buffer.concat([Buffer.from([10]), Buffer.from(`${version}\0`), Buffer.alloc(20, 1)]);
      return Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);
    };
    expect(identifyGreeting({ bytes: packet('8.0.36-2ubuntu3'), port: 3306 })).toEqual({
      name: 'mysql',
      product: 'MySQL',
      version: '8.0.36',
      cpe: 'cpe:2.3:a:oracle:mysql:8.0.36:*:*:*:*:*:*:*',
    });
    expect(identifyGreeting({ bytes: packet('5.5.5-11.4.2-MariaDB-ubu2404'), port: 3306 })).toEqual({
      name: 'mysql',
      product: 'MariaDB',
      version: '11.4.2',
      cpe: 'cpe:2.3:a:mariadb:mariadb:11.4.2:*:*:*:*:*:*:*',
    });
    // A length that does not cover the version string is not a handshake.
    expect(identifyGreeting({ bytes: Buffer.from([1, 0, 0, 0, 10, 0x38, 0x2e, 0]), port: 3306 })).toBeUndefined();
  });

  it('knows nothing of what it does not recognise, and stays quick on hostile input', () => {
    expect(greeting('hello there\r\n')).toBeUndefined();
    const started = performance.now();
    expect(greeting(`220 ${'Exim '.repeat(800)}`)).toEqual({ name: 'smtp' });
    expect(greeting(`SSH-${'9.'.repeat(2000)}`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('identifyHttpServer', () => {
  it.each([
    ['nginx/1.22.1', { name: 'http', product: 'nginx', version: '1.22.1', cpe: 'cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*' }],
    ['nginx', { name: 'http', product: 'nginx' }],
    ['Apache/2.4.57 (Debian)', { name: 'http', product: 'Apache httpd', version: '2.4.57', cpe: 'cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*' }],
    ['Apache', { name: 'http', product: 'Apache httpd' }],
    ['lighttpd/1.4.69', { name: 'http', product: 'lighttpd', version: '1.4.69', cpe: 'cpe:2.3:a:lighttpd:lighttpd:1.4.69:*:*:*:*:*:*:*' }],
    ['Microsoft-IIS/10.0', { name: 'http', product: 'Microsoft IIS', version: '10.0', cpe: 'cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*' }],
    ['openresty', { name: 'http', product: 'OpenResty' }],
    ['Jetty(9.4.51.v20230217)', { name: 'http', product: 'Jetty', version: '9.4.51', cpe: 'cpe:2.3:a:eclipse:jetty:9.4.51:*:*:*:*:*:*:*' }],
    ['Caddy', { name: 'http', product: 'Caddy' }],
  ])('%s', (server, identity) => {
    expect(identifyHttpServer({ server, port: 80 })).toEqual(identity);
  });

  it.each(['Apache-Coyote/1.1', 'gws', ''])('%j is not identified', (server) => {
    expect(identifyHttpServer({ server, port: 80 })).toBeUndefined();
  });
});

describe('toPrintableText', () => {
  it.each([
    ['SSH-2.0-x\r\n', 'SSH-2.0-x'],
    ['a\r\nb\tc\\d', 'a\\r\\nb\\tc\\\\d'],
    ['\x1b[31mred\x07\0', '\\x1b[31mred\\x07\\x00'],
    ['\u202egnp.exe \u200bzero\ufeffend', '\\u202egnp.exe \\u200bzero\\ufeffend'],
    ['caf\u00e9 \u65e5\u672c', 'caf\u00e9 \u65e5\u672c'],
    ['\u0602\u061c\u00ad\u180e\u2066x\u2069\ufff9', '\\u0602\\u061c\\xad\\u180e\\u2066x\\u2069\\ufff9'],
    ['\u{e0041}tag \u{1d173}', '\\u{e0041}tag \\u{1d173}'],
    ['\u0085a\u2028b\u2029c', '\\x85a\\u2028b\\u2029c'],
    ['\u{1f600}\u00a0x', '\u{1f600}\u00a0x'],
  ])('%j → %j', (input, output) => {
    expect(toPrintableText({ bytes: Buffer.from(input, 'utf8'), maxChars: 100 })).toBe(output);
  });

  it('leaves no control or format character in any of 2,000 random byte strings', () => {
    for (let trial = 0; trial < 2000; trial++) {
      const text = toPrintableText({ bytes: randomBytes(256), maxChars: 4096 });
      expect([...text].filter((char) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(char))).toEqual([]);
    }
  });

  it('invalid UTF-8 becomes the replacement character', () => {
    expect(toPrintableText({ bytes: Buffer.from([0x41, 0xff, 0xfe, 0x42]), maxChars: 100 })).toBe('A\ufffd\ufffdB');
  });

  it('cuts at maxChars without splitting an escape', () => {
    expect(toPrintableText({ bytes: 'abcdefghij', maxChars: 4 })).toBe('abcd');
    expect(toPrintableText({ bytes: 'abc\x01def', maxChars: 5 })).toBe('abc');
    expect(toPrintableText({ bytes: Buffer.alloc(10_000_000, 0x41), maxChars: 1024 })).toHaveLength(1024);
  });
});
