import type { KbContribution, KbImporter, KbImportProblem, KbKevEntry, KbReference } from '../kb-types';
import { readUpstreamText } from './open-upstream-file';
import { CVE_ID } from './importer-utils';

/**
 * CISA Known Exploited Vulnerabilities catalog (`known_exploited_vulnerabilities.json`):
 * `{"title", "catalogVersion", "dateReleased", "count", "vulnerabilities": [{cveID, vendorProject,
 * product, vulnerabilityName, dateAdded, shortDescription, requiredAction, dueDate,
 * knownRansomwareCampaignUse, notes, cwes}]}`. The whole catalog is ~1.5 MB, so it is read in one
 * piece; the cap below only guards against a hostile or wrong file.
 */

const MAX_KEV_BYTES = 64 * 1024 * 1024;
const MAX_TEXT_BYTES = 64 * 1024;
const KEV_CATALOG_IN_HEAD = /"catalogVersion"\s*:/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Trimmed string ('' stays ''), or undefined when not a string. */
function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

function capUtf8(value: string, maxBytes = MAX_TEXT_BYTES): string {
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  const cut = Buffer.from(value, 'utf8').subarray(0, maxBytes - 3).toString('utf8');
  return `${cut.replace(/\uFFFD+$/, '')}…`;
}

/** YYYY-MM-DD that names a real calendar day (2025-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** KEV `notes` is free text: URLs separated by ` ; `, sometimes with prose. URLs become references. */
function referencesFromNotes(notes: string): KbReference[] {
  const urls = new Set<string>();
  for (const part of notes.split(/[\s;]+/)) {
    const candidate = part.replace(/[,.]+$/, '');
    if (!/^https?:\/\//i.test(candidate)) continue;
    try {
      new URL(candidate);
      urls.add(candidate);
    } catch {
      // Not a URL after all: prose stays in kev.notes.
    }
  }
  return [...urls].map((url) => ({ url }));
}

const REQUIRED_TEXT = ['vendorProject', 'product', 'vulnerabilityName', 'requiredAction', 'knownRansomwareCampaignUse'] as const;

/** One catalog entry → one contribution, or null (reported) when the entry fails validation. */
export function kevEntryToContribution(entry: unknown, index: number, fileName: string, onProblem: (problem: KbImportProblem) => void): KbContribution | null {
  const rawId = isObject(entry) ? trimmed(entry.cveID) : undefined;
  const record = rawId || `vulnerabilities[${index}]`;
  const reject = (message: string) => {
    onProblem({ file: fileName, record, message });
    return null;
  };
  if (!isObject(entry)) return reject('entry is not an object; skipped');
  if (!rawId || !CVE_ID.test(rawId)) return reject(`invalid cveID ${JSON.stringify(entry.cveID)}; entry skipped`);
  const id = rawId;

  const dateAdded = trimmed(entry.dateAdded);
  const dueDate = trimmed(entry.dueDate);
  if (!dateAdded || !isCalendarDate(dateAdded)) return reject(`invalid dateAdded ${JSON.stringify(entry.dateAdded)} (expected YYYY-MM-DD); entry skipped`);
  if (!dueDate || !isCalendarDate(dueDate)) return reject(`invalid dueDate ${JSON.stringify(entry.dueDate)} (expected YYYY-MM-DD); entry skipped`);

  const fields: Partial<Record<(typeof REQUIRED_TEXT)[number], string>> = {};
  for (const field of REQUIRED_TEXT) {
    const value = trimmed(entry[field]);
    if (value === undefined) return reject(`missing ${field}; entry skipped`);
    fields[field] = capUtf8(value);
  }
  const kev: KbKevEntry = {
    dateAdded,
    dueDate,
    requiredAction: fields.requiredAction!,
    knownRansomwareCampaignUse: fields.knownRansomwareCampaignUse!,
    vendorProject: fields.vendorProject!,
    product: fields.product!,
    vulnerabilityName: fields.vulnerabilityName!,
  };
  const shortDescription = trimmed(entry.shortDescription);
  if (shortDescription) kev.shortDescription = capUtf8(shortDescription);
  const notes = trimmed(entry.notes);
  if (notes) kev.notes = capUtf8(notes);

  const contribution: KbContribution = { source: 'kev', recordId: id, key: id, aliases: [id], kev };
  if (kev.vulnerabilityName) contribution.title = kev.vulnerabilityName;
  const cwes = [...new Set((Array.isArray(entry.cwes) ? entry.cwes : []).map(trimmed).filter((cwe): cwe is string => Boolean(cwe && /^CWE-\d+$/.test(cwe))))];
  if (cwes.length) contribution.cwes = cwes;
  const references = notes ? referencesFromNotes(notes) : [];
  if (references.length) contribution.references = references;
  return contribution;
}

async function* parseKev(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  let content: string;
  try {
    content = await readUpstreamText(filePath, MAX_KEV_BYTES);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(fileName) ? message : `${fileName}: ${message}`);
  }
  let catalog: unknown;
  try {
    catalog = JSON.parse(content);
  } catch (error) {
    // V8's message carries the position ("… in JSON at position 1234").
    throw new Error(`${fileName}: invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(catalog) || typeof catalog.catalogVersion !== 'string' || !Array.isArray(catalog.vulnerabilities)) {
    throw new Error(`${fileName}: not a CISA KEV catalog (expected an object with "catalogVersion" and a "vulnerabilities" array)`);
  }
  const entries: unknown[] = catalog.vulnerabilities;
  if (typeof catalog.count === 'number' && catalog.count !== entries.length) {
    onProblem({ file: fileName, message: `catalog says count ${catalog.count} but lists ${entries.length} entries` });
  }
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i += 1) {
    const contribution = kevEntryToContribution(entries[i], i, fileName, onProblem);
    if (!contribution) continue;
    if (seen.has(contribution.recordId)) {
      onProblem({ file: fileName, record: contribution.recordId, message: 'CVE listed twice in the catalog; the later entry was skipped' });
      continue;
    }
    seen.add(contribution.recordId);
    yield contribution;
  }
}

export const kevImporter: KbImporter = {
  format: 'cisa-kev',
  source: 'kev',
  detect({ head }) {
    // Content only: `catalogVersion` is KEV's own top-level key (NVD says "format": "NVD_CVE", OSV has "schema_version").
    return KEV_CATALOG_IN_HEAD.test(head) && head.trimStart().startsWith('{') && !/"format"\s*:\s*"NVD_CVE"/.test(head);
  },
  parse(input) {
    return parseKev(input);
  },
};
