import { forEachWrite } from '../../db/write-limits';
import type { DetectionResult } from '../../detection/detect';
import type { Finding } from '../../detection/detection-types';
import { DetectionResultModel, type DetectionChange, type DetectionResultDoc } from '../../models/detection-result.model';

const MAX_PROBLEMS_KEPT = 100;

export const findingKey = (f: Pick<Finding, 'vulnId' | 'ecosystem' | 'package'>) => `${f.vulnId} ${f.ecosystem} ${f.package}`;

/** What changed between two finding lists: appeared, closed, and changed (fix, severity, scores or rule). */
export function diffFindings(before: Finding[], after: Finding[]): Pick<DetectionChange, 'appeared' | 'closed' | 'changed'> {
  const old = new Map(before.map((f) => [findingKey(f), f]));
  const now = new Map(after.map((f) => [findingKey(f), f]));
  const sameEvidence = (a: Finding, b: Finding) =>
    a.fixedVersion === b.fixedVersion && a.unfixed === b.unfixed && a.severity === b.severity && a.cvss === b.cvss && a.epss === b.epss && a.kev === b.kev && a.rule === b.rule && a.installedVersion === b.installedVersion;
  return {
    appeared: [...now.keys()].filter((k) => !old.has(k)),
    closed: [...old.keys()].filter((k) => !now.has(k)),
    changed: [...now].filter(([k, f]) => old.has(k) && !sameEvidence(old.get(k)!, f)).map(([k]) => k),
  };
}

export interface DetectionResultToSave {
  assetKey: string;
  result: DetectionResult;
  /** The findings stored before: what the change is computed against. */
  previous: Finding[];
}

/**
 * Replaces the stored results of several assets; returns what changed for each (in order). One replace per asset
 * (a replace is whole, so a crash leaves every result either old or new), a few at a time: forEachWrite.
 */
export async function saveDetectionResults(entries: DetectionResultToSave[], cause: DetectionChange['cause'], runId: string | null): Promise<DetectionChange[]> {
  const at = new Date();
  const changes = entries.map((entry): DetectionChange => ({ at, cause, runId, ...diffFindings(entry.previous, entry.result.findings) }));
  await forEachWrite(
    entries.map((entry, i) => ({ entry, change: changes[i]! })),
    ({ entry, change }) => {
      const doc: Omit<DetectionResultDoc, '_id'> = {
        findings: entry.result.findings,
        vulnIds: [...new Set(entry.result.findings.map((f) => f.vulnId))].sort(),
        problemCount: entry.result.problems.length,
        problems: entry.result.problems.slice(0, MAX_PROBLEMS_KEPT),
        evaluatedAt: at,
        lastChange: change,
      };
      return DetectionResultModel.replaceOne({ _id: entry.assetKey }, doc, { upsert: true });
    },
  );
  return changes;
}

/** Replaces the stored result of one asset; returns what changed against the previous one. */
export async function saveDetectionResult(assetKey: string, result: DetectionResult, cause: DetectionChange['cause'], runId: string | null): Promise<DetectionChange> {
  const previous = (await DetectionResultModel.findById(assetKey, { findings: 1 }).lean())?.findings ?? [];
  const [change] = await saveDetectionResults([{ assetKey, result, previous }], cause, runId);
  return change!;
}

export async function getDetectionResult(assetKey: string) {
  return DetectionResultModel.findById(assetKey).lean();
}
