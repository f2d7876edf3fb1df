import { pipeline } from 'node:stream';
import StreamJson from 'stream-json';
import StreamObject from 'stream-json/streamers/StreamObject';
import type { KbAffectedPackage, KbContribution, KbImporter, KbImportProblem, KbReference } from '../kb-types';
import { CVE_ID } from './importer-utils';
import { capUtf8, describeJsonError, isObject, openJsonUpstreamFile, text } from './nvd.importer';

/*
 * The Debian security tracker's JSON export (https://security-tracker.debian.org/tracker/data/json),
 * keyed on SOURCE packages like Debian OVAL:
 *
 *   { "sudo": { "CVE-2021-3156": { "description": "…", "scope": "local", "debianbug": <bug number>,
 *       "releases": { "bookworm": { "status": "resolved", "fixed_version": "1.9.5p1-1.1",
 *                                   "repositories": {…}, "urgency": "…" }, … } } }, … }
 *
 * One contribution per (source package, CVE): recordId `sudo/CVE-2021-3156`, one affected
 * statement per release. `resolved` with `fixed_version` "0" = not affected; other `resolved`
 * = fixed in that version; `open` and `undetermined` = unfixed (as the DSA/DLA list importer
 * reads `<unfixed>`/`<undetermined>`: treated as affected until the tracker decides). Release
 * names are taken as they are (a new codename imports before Vigil knows it); a name that is
 * not a codename is reported. `TEMP-…` ids (issues without a CVE yet) are skipped: they are
 * renamed once a CVE is assigned, so they are no stable key. The file is ~60 MB: it is streamed
 * one source package at a time.
 */

const SOURCE = 'debian-tracker-json' as const;
/** `{"<package>": {"CVE-…": {` (or a TEMP id) at the start: nothing else Vigil reads looks like it. */
const HEAD = /^\s*\{\s*"[a-z0-9][a-z0-9+.-]*"\s*:\s*\{\s*"(CVE-\d{4}-\d{4,}|TEMP-\d+-[0-9A-Fa-f]+)"\s*:\s*\{/;
/** Debian policy §5.6.1. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const RELEASE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** A Debian version: no spaces, at most a few dozen characters (`1:2.30.2-1+deb11u2`). */
const VERSION = /^[A-Za-z0-9.+~:-]{1,128}$/;
const TEMP_ID = /^TEMP-/;

type Report = (problem: Omit<KbImportProblem, 'file'>) => void;

function releaseStatement(pkg: string, release: string, value: unknown, report: (message: string) => void): KbAffectedPackage | null {
  const skip = (message: string) => {
    report(`releases.${release}: ${message}; release skipped`);
    return null;
  };
  if (!RELEASE_NAME.test(release)) return skip('not a release codename');
  if (!isObject(value)) return skip('not an object');
  const statement: KbAffectedPackage = { ecosystem: 'deb', distro: 'debian', release, package: pkg, sourcePackage: true, status: 'unfixed' };
  const status = text(value.status);
  if (status === 'open' || status === 'undetermined') return statement;
  if (status !== 'resolved') return skip(`unknown status ${JSON.stringify(value.status)}`);
  const fixed = text(value.fixed_version);
  if (!fixed || !VERSION.test(fixed)) return skip(`resolved without a valid fixed_version (${JSON.stringify(value.fixed_version)})`);
  if (fixed === '0') return { ...statement, status: 'not-affected' };
  return { ...statement, status: 'fixed', fixedVersion: fixed, ranges: [{ introduced: '0', fixed }] };
}

/** One `<package>.<CVE>` entry → one contribution, or null (reported) when it is not usable. */
export function trackerJsonEntryToContribution(pkg: string, id: string, entry: unknown, report: Report): KbContribution | null {
  const record = `${pkg}/${id}`;
  if (TEMP_ID.test(id)) return null;
  if (!CVE_ID.test(id)) {
    report({ record, message: 'not a CVE id; entry skipped' });
    return null;
  }
  if (!isObject(entry)) {
    report({ record, message: 'not an object; entry skipped' });
    return null;
  }
  if (!isObject(entry.releases)) {
    report({ record, message: 'no "releases" object; entry skipped' });
    return null;
  }
  const affected = Object.entries(entry.releases)
    .map(([release, value]) => releaseStatement(pkg, release, value, (message) => report({ record, message })))
    .filter((statement): statement is KbAffectedPackage => statement !== null);
  const references: KbReference[] = [{ url: `https://security-tracker.debian.org/tracker/${id}` }];
  if (entry.debianbug !== undefined) {
    if (Number.isInteger(entry.debianbug) && (entry.debianbug as number) > 0) references.push({ url: `https://bugs.debian.org/${entry.debianbug as number}` });
    else report({ record, message: `debianbug ${JSON.stringify(entry.debianbug)} is not a bug number; ignored` });
  }
  const description = text(entry.description);
  return {
    source: SOURCE,
    recordId: record,
    key: id,
    aliases: [id],
    ...(description ? { description: capUtf8(description) } : {}),
    references,
    affected,
  };
}

async function* parseTrackerJson(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  const report: Report = (problem) => onProblem({ file: fileName, ...problem });
  const { source, counter } = openJsonUpstreamFile(filePath, fileName);
  const packages = pipeline(source, counter, StreamJson.parser({ streamValues: false }), StreamObject.streamObject(), () => {
    // Errors surface through the async iterator below.
  });
  const seen = new Set<string>();
  try {
    for await (const { key: pkg, value } of packages as AsyncIterable<{ key: string; value: unknown }>) {
      if (!PACKAGE_NAME.test(pkg)) {
        report({ record: pkg.slice(0, 80), message: 'not a Debian source package name; package skipped' });
        continue;
      }
      if (seen.has(pkg)) {
        report({ record: pkg, message: 'package listed twice; the later entry was skipped' });
        continue;
      }
      seen.add(pkg);
      if (!isObject(value)) {
        report({ record: pkg, message: 'not an object of CVE entries; package skipped' });
        continue;
      }
      for (const [id, entry] of Object.entries(value)) {
        const contribution = trackerJsonEntryToContribution(pkg, id, entry, report);
        if (contribution) yield contribution;
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    if (message === 'Top-level object should be an object.') throw new Error(`${fileName}: not a Debian security-tracker JSON file: the document is not an object`);
    // Decompression errors name the path; the report names the file as the user gave it.
    if (message.startsWith(`${filePath}:`)) throw new Error(`${fileName}:${message.slice(filePath.length + 1)}`);
    throw describeJsonError(fileName, error as Error, counter.position());
  } finally {
    source.destroy();
  }
}

export const debianTrackerJsonImporter: KbImporter = {
  format: 'debian-tracker-json',
  source: SOURCE,
  detect: ({ head }) => HEAD.test(head.replace(/^\uFEFF/, '')),
  parse: (input) => parseTrackerJson(input),
};
