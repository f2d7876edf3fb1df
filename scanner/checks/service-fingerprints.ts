/**
 * What a greeting banner or an HTTP `Server` header says about the product behind a port. Versions
 * become CPE 2.3 names as NVD spells them, so detection can match them; without a version there is
 * no CPE (a wildcard version would match every vulnerability of the product).
 */

export interface ServiceIdentity {
  /** ssh, smtp, ftp, pop3, imap, mysql, vnc, telnet, … */
  name: string;
  product?: string;
  version?: string;
  cpe?: string;
}

interface Fingerprint {
  pattern: RegExp;
  name: string | ((port: number) => string);
  product?: string;
  /** `vendor:product` of the CPE; the version comes from the pattern's groups `version` and `update`. */
  cpe?: string;
}

/** A letter suffix (ProFTPD 1.3.5e) or OpenSSH portable's `p1` is the CPE update field. */
function cpeName(options: { vendorProduct: string; version: string; update?: string }): string {
  return `cpe:2.3:a:${options.vendorProduct}:${options.version}:${options.update ?? '*'}:*:*:*:*:*:*`;
}

const mailOrFtp = (port: number) => (port === 21 || port === 990 ? 'ftp' : 'smtp');

// Order matters: specific products before the generic protocol entries. Patterns are anchored and
// linear, as they run over hostile banners.
const GREETINGS: Fingerprint[] = [
  { pattern: /^SSH-[\d.]+-OpenSSH_(?<version>\d+(?:\.\d+)*)(?<update>p\d+)?/, name: 'ssh', product: 'OpenSSH', cpe: 'openbsd:openssh' },
  { pattern: /^SSH-[\d.]+-dropbear_(?<version>\d+(?:\.\d+)*)/, name: 'ssh', product: 'Dropbear SSH', cpe: 'dropbear_ssh_project:dropbear_ssh' },
  { pattern: /^SSH-[\d.]+-/, name: 'ssh' },
  { pattern: /^220[ -][^\n]*\(vsFTPd (?<version>\d+(?:\.\d+)*)\)/, name: 'ftp', product: 'vsftpd', cpe: 'vsftpd_project:vsftpd' },
  { pattern: /^220[ -][^\n]*ProFTPD (?<version>\d+(?:\.\d+)*)(?<update>[a-z]\d*)?/, name: 'ftp', product: 'ProFTPD', cpe: 'proftpd:proftpd' },
  { pattern: /^220[ -][^\n]*Pure-FTPd/, name: 'ftp', product: 'Pure-FTPd' },
  { pattern: /^220[ -][^\n]*ESMTP Postfix/, name: 'smtp', product: 'Postfix' },
  { pattern: /^220[ -][^\n]*ESMTP Exim (?<version>\d+(?:\.\d+)*)/, name: 'smtp', product: 'Exim', cpe: 'exim:exim' },
  { pattern: /^220[ -][^\n]*ESMTP Sendmail (?<version>\d+(?:\.\d+)*)/, name: 'smtp', product: 'Sendmail', cpe: 'sendmail:sendmail' },
  { pattern: /^220[ -][^\n]*FTP/i, name: 'ftp' },
  { pattern: /^220[ -][^\n]*SMTP/i, name: 'smtp' },
  { pattern: /^220[ -]/, name: mailOrFtp },
  { pattern: /^\+OK[^\n]*Dovecot/, name: 'pop3', product: 'Dovecot' },
  { pattern: /^\+OK/, name: 'pop3' },
  { pattern: /^\* OK[^\n]*Dovecot/, name: 'imap', product: 'Dovecot' },
  { pattern: /^\* (?:OK|PREAUTH)/, name: 'imap' },
  { pattern: /^RFB \d{3}\.\d{3}/, name: 'vnc' },
];

const HTTP_SERVERS: Fingerprint[] = [
  { pattern: /^nginx(?:\/(?<version>\d+(?:\.\d+)*))?/i, name: 'http', product: 'nginx', cpe: 'f5:nginx' },
  { pattern: /^openresty(?:\/(?<version>\d+(?:\.\d+)*))?/i, name: 'http', product: 'OpenResty', cpe: 'openresty:openresty' },
  { pattern: /^Apache(?:\/(?<version>\d+(?:\.\d+)*))?(?![-\w])/, name: 'http', product: 'Apache httpd', cpe: 'apache:http_server' },
  { pattern: /^lighttpd(?:\/(?<version>\d+(?:\.\d+)*))?/i, name: 'http', product: 'lighttpd', cpe: 'lighttpd:lighttpd' },
  { pattern: /^Microsoft-IIS(?:\/(?<version>\d+(?:\.\d+)*))?/, name: 'http', product: 'Microsoft IIS', cpe: 'microsoft:internet_information_services' },
  { pattern: /^Jetty\((?<version>\d+(?:\.\d+)*)/, name: 'http', product: 'Jetty', cpe: 'eclipse:jetty' },
  { pattern: /^Caddy/, name: 'http', product: 'Caddy' },
];

function identify(options: { text: string; port: number; table: Fingerprint[] }): ServiceIdentity | undefined {
  for (const fingerprint of options.table) {
    const match = fingerprint.pattern.exec(options.text);
    if (!match) continue;
    const name = typeof fingerprint.name === 'function' ? fingerprint.name(options.port) : fingerprint.name;
    const version = match.groups?.version;
    const update = match.groups?.update;
    return {
      name,
      ...(fingerprint.product && { product: fingerprint.product }),
      ...(version && { version: `${version}${update ?? ''}` }),
      ...(version && fingerprint.cpe && { cpe: cpeName({ vendorProduct: fingerprint.cpe, version, update }) }),
    };
  }
  return undefined;
}

/**
 * Reads the protocol handshake MySQL and MariaDB send first: a 4-byte packet header, protocol 10 and
 * the NUL-terminated server version (MariaDB 11 prefixes `5.5.5-` for old clients).
 */
function identifyMysqlGreeting(bytes: Buffer): ServiceIdentity | undefined {
  if (bytes.length < 6 || bytes[4] !== 10) return undefined;
  const end = bytes.indexOf(0, 5);
  if (end < 0 || bytes.readUIntLE(0, 3) + 4 < end) return undefined;
  const serverVersion = bytes.subarray(5, end).toString('latin1').replace(/^5\.5\.5-/, '');
  const version = /^\d+\.\d+\.\d+/.exec(serverVersion)?.[0];
  const mariadb = /mariadb/i.test(serverVersion);
  if (!version) return { name: 'mysql', product: mariadb ? 'MariaDB' : 'MySQL' };
  return mariadb
    ? { name: 'mysql', product: 'MariaDB', version, cpe: cpeName({ vendorProduct: 'mariadb:mariadb', version }) }
    : { name: 'mysql', product: 'MySQL', version, cpe: cpeName({ vendorProduct: 'oracle:mysql', version }) };
}

const TELNET_IAC = 0xff;

/** What the bytes a service sent unasked (its greeting) say about it. */
export function identifyGreeting(options: { bytes: Buffer; port: number }): ServiceIdentity | undefined {
  const { bytes, port } = options;
  if (bytes[0] === TELNET_IAC && bytes.length >= 3) return { name: 'telnet' };
  return identifyMysqlGreeting(bytes) ?? identify({ text: bytes.toString('latin1'), port, table: GREETINGS });
}

/** What an HTTP `Server` header says about the web server. */
export function identifyHttpServer(options: { server: string; port: number }): ServiceIdentity | undefined {
  return identify({ text: options.server.trim(), port: options.port, table: HTTP_SERVERS });
}
