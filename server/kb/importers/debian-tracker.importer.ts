import { createInterface } from 'node:readline';
import type { KbAffectedPackage, KbContribution, KbImporter } from '../kb-types';
import { openUpstreamFile } from './open-upstream-file';

/*
 * The Debian security tracker's advisory lists, `data/DSA/list` and `data/DLA/list` (also
 * `data/DTSA/list`), in their source format:
 *
 *   [29 Mar 2023] DSA-5380-1 xorg-server - security update
 *   	{CVE-2023-1393}
 *   	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
 *   	NOTE: …
 *
 * Release lines may carry a marker instead of a version (`<not-affected>`, `<unfixed>`, …).
 * Entries are emitted as soon as the next header (or the end) is read: the file is streamed
 * line by line.
 */

const HEADER = /^\[(\d{1,2}) ([A-Za-z]{3}) (\d{4})\]\s+((?:DSA|DLA|DTSA)-\d+(?:-\d+)?)\b\s*(.*)$/;
const RELEASE_LINE = /^\[([a-z0-9][a-z0-9-]*)\]\s+-\s+(\S+)(?:\s+(.*))?$/;
const CVE_TOKEN = /^CVE-\d{4}-\d{4,}$/;
const MONTHS: Record<string, string> = { jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12' };
/** Markers that say "no fixed version in this release". */
const UNFIXED_MARKERS = new Set(['unfixed', 'no-dsa', 'ignored', 'postponed', 'end-of-life', 'undetermined']);
/** Longer lines are not tracker data (the longest real `{CVE …}` lines are a few kB). */
const MAX_LINE_CHARS = 64 * 1024;

interface Entry {
  advisory: string;
  line: number;
  published?: string;
  title: string;
  cves: string[];
  affected: KbAffectedPackage[];
}

export function trackerDate(day: string, month: string, year: string): string | undefined {
  const mm = MONTHS[month.toLowerCase()];
  const dd = day.padStart(2, '0');
  if (!mm || Number(dd) < 1 || Number(dd) > 31) return undefined;
  return `${year}-${mm}-${dd}`;
}

function contributionsOf(entry: Entry): KbContribution[] {
  const base = {
    source: 'debian-tracker' as const,
    title: entry.title,
    ...(entry.published ? { published: entry.published } : {}),
    affected: entry.affected,
  };
  if (entry.cves.length === 0) return [{ recordId: entry.advisory, key: entry.advisory, aliases: [entry.advisory], ...base }];
  return entry.cves.map((cve) => ({ recordId: `${entry.advisory}/${cve}`, key: cve, aliases: [entry.advisory, cve], ...base }));
}

export const debianTrackerImporter: KbImporter = {
  format: 'debian-tracker-list',
  source: 'debian-tracker',
  detect({ head }) {
    const firstLine = head.split('\n').find((line) => line.trim() !== '') ?? '';
    return HEADER.test(firstLine);
  },
  async *parse({ filePath, fileName, onProblem }) {
    const problem = (record: string | undefined, message: string) => onProblem({ file: fileName, ...(record ? { record } : {}), message });
    let stream: ReturnType<typeof openUpstreamFile>;
    try {
      stream = openUpstreamFile(filePath);
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(message.startsWith(`${filePath}:`) ? `${fileName}:${message.slice(filePath.length + 1)}` : `${fileName}: ${message}`);
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const seen = new Set<string>();
    let entry: Entry | null = null;
    let lineNo = 0;
    let headers = 0;

    const finish = (): KbContribution[] => {
      const done = entry;
      entry = null;
      if (!done) return [];
      if (seen.has(done.advisory)) {
        problem(done.advisory, `line ${done.line}: ${done.advisory} is listed more than once; the later entry was skipped`);
        return [];
      }
      seen.add(done.advisory);
      return contributionsOf(done);
    };

    try {
      for await (const raw of lines) {
        lineNo += 1;
        const line = raw.replace(/\s+$/, '');
        if (line === '') continue;
        if (line.length > MAX_LINE_CHARS) {
          problem(entry?.advisory, `line ${lineNo}: longer than ${MAX_LINE_CHARS} characters; ignored`);
          continue;
        }
        if (!/^\s/.test(line)) {
          // A header starts a new entry.
          for (const contribution of finish()) yield contribution;
          const header = HEADER.exec(line);
          if (!header) {
            problem(undefined, `line ${lineNo}: not an advisory header ("${line.slice(0, 80)}"); lines up to the next header are skipped`);
            continue;
          }
          headers += 1;
          const [, day, month, year, advisory, rest] = header as unknown as [string, string, string, string, string, string];
          const published = trackerDate(day, month, year);
          if (!published) problem(advisory, `line ${lineNo}: invalid date "${day} ${month} ${year}"`);
          entry = {
            advisory,
            line: lineNo,
            ...(published ? { published } : {}),
            title: `${advisory} ${rest}`.trim(),
            cves: [],
            affected: [],
          };
          continue;
        }
        if (!entry) continue; // body of a header already reported as bad
        const body = line.trim();
        if (body.startsWith('NOTE:') || body.startsWith('TODO:')) continue;
        if (body.startsWith('{')) {
          if (!body.endsWith('}')) {
            problem(entry.advisory, `line ${lineNo}: unterminated "{…}" id list`);
            continue;
          }
          for (const token of body.slice(1, -1).split(/\s+/).filter(Boolean)) {
            if (CVE_TOKEN.test(token)) {
              if (!entry.cves.includes(token)) entry.cves.push(token);
            }
            // Other tokens (cross-references to other advisories, bug numbers) are not CVEs; ignored.
          }
          continue;
        }
        const release = RELEASE_LINE.exec(body);
        if (release) {
          const [, releaseName, pkg, tail = ''] = release as unknown as [string, string, string, string | undefined];
          const version = tail.trim().split(/\s+/)[0] ?? '';
          const affected: KbAffectedPackage = { ecosystem: 'deb', distro: 'debian', release: releaseName, package: pkg, sourcePackage: true, status: 'fixed', advisory: entry.advisory };
          if (!version) {
            problem(entry.advisory, `line ${lineNo}: [${releaseName}] ${pkg} has no version; line ignored`);
            continue;
          }
          const marker = /^<([a-z-]+)>$/.exec(version)?.[1];
          if (marker === 'not-affected') affected.status = 'not-affected';
          else if (marker && UNFIXED_MARKERS.has(marker)) affected.status = 'unfixed';
          else if (marker || version.startsWith('<')) {
            problem(entry.advisory, `line ${lineNo}: unknown marker ${version} for [${releaseName}] ${pkg}; line ignored`);
            continue;
          } else {
            affected.fixedVersion = version;
            affected.ranges = [{ introduced: '0', fixed: version }];
          }
          entry.affected.push(affected);
          continue;
        }
        problem(entry.advisory, `line ${lineNo}: not understood ("${body.slice(0, 80)}"); ignored`);
      }
      for (const contribution of finish()) yield contribution;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (!message.startsWith(`${filePath}:`)) throw new Error(`${fileName}: line ${lineNo}: ${message}`);
      const reason = message.slice(filePath.length + 1).trim();
      throw new Error(`${fileName}: ${reason}${/^cannot decompress/.test(reason) ? ` (damaged or truncated file, after line ${lineNo})` : ''}`);
    } finally {
      lines.close();
      stream.destroy();
    }
    if (headers === 0 && lineNo > 0) throw new Error(`${fileName}: no advisory header ("[DD Mon YYYY] DSA-…") found; not a security-tracker list`);
  },
};
