import { KB_SOURCES, type KbSourceId } from '../../kb/kb-types';
import { KbSourceStatusModel } from '../../models/kb-source-status.model';
import { KbVulnerabilityModel } from '../../models/kb-vulnerability.model';

export interface KbSourceStats {
  source: KbSourceId;
  records: number;
  contributions: number;
  lastImportAt: string | null;
  /** Hours since the last import or sync; null when never. */
  ageHours: number | null;
  lastProblems: number;
  lastError: string | null;
}

export interface KbStats {
  vulnerabilities: number;
  kevListed: number;
  sources: KbSourceStats[];
}

export async function getKbStats(): Promise<KbStats> {
  const [statuses, vulnerabilities, kevListed] = await Promise.all([
    KbSourceStatusModel.find({}).lean(),
    KbVulnerabilityModel.estimatedDocumentCount(),
    KbVulnerabilityModel.countDocuments({ kevListed: true }),
  ]);
  const bySource = new Map(statuses.map((s) => [s._id, s]));
  const now = Date.now();
  return {
    vulnerabilities,
    kevListed,
    sources: KB_SOURCES.map((source) => {
      const status = bySource.get(source);
      const last = status?.lastImportAt ?? null;
      return {
        source,
        records: status?.records ?? 0,
        contributions: status?.contributions ?? 0,
        lastImportAt: last ? last.toISOString() : null,
        ageHours: last ? Math.round(((now - last.getTime()) / 3_600_000) * 10) / 10 : null,
        lastProblems: status?.lastProblems ?? 0,
        lastError: status?.lastError ?? null,
      };
    }),
  };
}
