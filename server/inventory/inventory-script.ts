import type { Inventory, InventoryOs, InventoryPackage } from './inventory.schema';

/**
 * One POSIX sh script that prints everything an inventory needs, in marked sections, so a
 * host is inventoried with a single command — locally or in one SSH round trip. Every part is
 * optional: a host without dpkg simply prints an empty dpkg section.
 */
export const INVENTORY_SCRIPT = [
  "echo '### hostname'; hostname 2>/dev/null || cat /etc/hostname 2>/dev/null",
  "echo '### os-release'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null",
  "echo '### kernel'; uname -r 2>/dev/null",
  "echo '### dpkg'; command -v dpkg-query >/dev/null 2>&1 && dpkg-query -W -f='${db:Status-Abbrev}\\t${binary:Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\t${Architecture}\\n' 2>/dev/null",
  "echo '### rpm'; command -v rpm >/dev/null 2>&1 && rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n' 2>/dev/null",
  "echo '### apk'; [ -r /lib/apk/db/installed ] && cat /lib/apk/db/installed",
  // /proc rather than ss or netstat, which minimal hosts lack; state 0A is LISTEN.
  "echo '### listening'; grep -h ' 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null",
  "echo '### end'",
].join('\n');

export interface InventoryProblem {
  /** Where: `dpkg line 12`, `os-release`… */
  at: string;
  message: string;
}

/** Splits the script's output into its sections. */
function sectionsOf(output: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of output.split('\n')) {
    const marker = /^### ([a-z-]+)$/.exec(line);
    if (marker) {
      current = [];
      sections.set(marker[1]!, current);
    } else current?.push(line);
  }
  return sections;
}

export function parseOsRelease(lines: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!;
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    fields[match[1]!] = value;
  }
  return fields;
}

/** The detection family of an os-release: Debian and its derivatives, Alpine, the RHEL family. */
export function osOf(release: Record<string, string>): InventoryOs {
  const id = (release.ID ?? 'unknown').toLowerCase();
  const like = (release.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const family = id === 'debian' || id === 'ubuntu' || like.includes('debian') ? 'debian' : id === 'alpine' ? 'alpine' : ['rhel', 'centos', 'fedora'].some((f) => id === f || like.includes(f)) ? 'rhel' : id;
  const codename = release.VERSION_CODENAME || release.UBUNTU_CODENAME || undefined;
  return { family, name: id, version: release.VERSION_ID ?? '', ...(codename ? { codename } : {}) };
}

function parseDpkg(lines: string[], problems: InventoryProblem[]): InventoryPackage[] {
  const packages: InventoryPackage[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const [status, name, version, source, sourceVersion, arch] = line.split('\t');
    if (!status || !name || version === undefined) {
      problems.push({ at: `dpkg line ${index + 1}`, message: 'not "status<TAB>name<TAB>version…"' });
      return;
    }
    // Only installed packages ("ii", or "hi" when held); removed-but-configured ones ("rc") are not on the host.
    if (!/^[ih]i/.test(status)) return;
    packages.push({
      name: name.replace(/:[a-z0-9]+$/, ''),
      version,
      source: source || name.replace(/:[a-z0-9]+$/, ''),
      sourceVersion: sourceVersion || version,
      ...(arch ? { arch } : {}),
      ecosystem: 'deb',
    });
  });
  return packages;
}

/** rpm's source package name: `openssl-3.0.7-27.el9.src.rpm` → `openssl`. */
function rpmSourceName(sourceRpm: string | undefined): string | undefined {
  const match = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm ?? '');
  return match?.[1];
}

function parseRpm(lines: string[], problems: InventoryProblem[]): InventoryPackage[] {
  const packages: InventoryPackage[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const [name, epoch, version, release, arch, sourceRpm] = line.split('\t');
    if (!name || !version || !release) {
      problems.push({ at: `rpm line ${index + 1}`, message: 'not "name<TAB>epoch<TAB>version<TAB>release…"' });
      return;
    }
    // gpg-pubkey entries are keys in the rpm database, not software.
    if (name === 'gpg-pubkey') return;
    const evr = `${epoch && epoch !== '0' && epoch !== '(none)' ? `${epoch}:` : ''}${version}-${release}`;
    const source = rpmSourceName(sourceRpm);
    packages.push({ name, version: evr, ...(source ? { source, sourceVersion: evr } : {}), ...(arch ? { arch } : {}), ecosystem: 'rpm' });
  });
  return packages;
}

/** /lib/apk/db/installed: blank-line separated records of `X:value` lines (P name, V version, A arch, o origin). */
function parseApk(lines: string[], problems: InventoryProblem[]): InventoryPackage[] {
  const packages: InventoryPackage[] = [];
  let record: Record<string, string> = {};
  let startLine = 1;
  const flush = () => {
    if (Object.keys(record).length === 0) return;
    if (record.P && record.V) packages.push({ name: record.P, version: record.V, source: record.o || record.P, sourceVersion: record.V, ...(record.A ? { arch: record.A } : {}), ecosystem: 'apk' });
    else problems.push({ at: `apk record at line ${startLine}`, message: 'has no package name (P:) or version (V:)' });
    record = {};
  };
  lines.forEach((line, index) => {
    if (!line.trim()) {
      flush();
      startLine = index + 2;
      return;
    }
    const match = /^([A-Za-z]):(.*)$/.exec(line);
    if (match && !(match[1]! in record)) record[match[1]!] = match[2]!;
  });
  flush();
  return packages;
}

/** /proc/net/tcp{,6} lines (`sl local_address rem_address st …`): the local ports of sockets in state 0A (LISTEN). */
function parseListening(lines: string[]): number[] {
  const ports = new Set<number>();
  for (const line of lines) {
    const [, localAddress, , state] = line.trim().split(/\s+/);
    const port = Number.parseInt(localAddress?.split(':')[1] ?? '', 16);
    if (state === '0A' && port >= 1 && port <= 65_535) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Turns the inventory script's output into an inventory, plus the TCP ports the host listens on;
 * unreadable lines become problems, not failures.
 */
export function parseInventoryScriptOutput(output: string, fallbackHost: string): { inventory: Inventory; problems: InventoryProblem[]; listening: number[] } {
  const sections = sectionsOf(output);
  const problems: InventoryProblem[] = [];
  const release = parseOsRelease(sections.get('os-release') ?? []);
  if (!release.ID) problems.push({ at: 'os-release', message: 'no /etc/os-release: operating system unknown' });
  const host = (sections.get('hostname') ?? []).find((line) => line.trim())?.trim() || fallbackHost;
  const kernel = (sections.get('kernel') ?? []).find((line) => line.trim())?.trim();
  const packages = [
    ...parseDpkg(sections.get('dpkg') ?? [], problems),
    ...parseRpm(sections.get('rpm') ?? [], problems),
    ...parseApk(sections.get('apk') ?? [], problems),
  ];
  if (!sections.has('end')) problems.push({ at: 'output', message: 'the inventory was cut short (no end marker)' });
  return { inventory: { host, os: osOf(release), ...(kernel ? { kernel } : {}), packages, services: [] }, problems, listening: parseListening(sections.get('listening') ?? []) };
}
