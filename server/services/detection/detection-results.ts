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

/** Replaces the stored result of one asset; returns what changed against the previous one. */
export async function saveDetectionResult(assetKey: string, result: DetectionResult, cause: DetectionChange['cause'], runId: string | null, previous?: Finding[]): Promise<DetectionChange> {
  const before = previous ?? ((await DetectionResultModel.findById(assetKey, { findings: 1 }).lean())?.findings ?? []);
  const change: DetectionChange = { at: new Date(), cause, runId, ...diffFindings(before, result.findings) };
  const doc: Omit<DetectionResultDoc, '_id'> = {
    findings: result.findings,
    vulnIds: [...new Set(result.findings.map((f) => f.vulnId))].sort(),
    problemCount: result.problems.length,
    problems: result.problems.slice(0, MAX_PROBLEMS_KEPT),
    evaluatedAt: change.at,
    lastChange: change,
  };
  await DetectionResultModel.replaceOne({ _id: assetKey }, doc, { upsert: true });
  return change;
}

export async function getDetectionResult(assetKey: string) {
  return DetectionResultModel.findById(assetKey).lean();
}
