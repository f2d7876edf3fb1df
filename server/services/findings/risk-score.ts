import { ASSET_CRITICALITY_MAX, ASSET_CRITICALITY_MIN, DEFAULT_ASSET_CRITICALITY } from '../../models/asset.model';
import type { RiskBucket } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';

/**
 * The risk score of one finding, 0–100 (README "Vulnerability workflow"):
 *
 *   risk = min(100, 10 × base × threat × weight), rounded to one decimal
 *   base   = CVSS base score (0–10); without one, the severity's stand-in (SEVERITY_STAND_IN)
 *   threat = 1.25 when CISA KEV lists it (exploited in the wild), else 1 + 0.2 × EPSS (0–1; unknown counts as 0)
 *   weight = 1 + 0.125 × (criticality − 3): 0.75 for criticality 1, 1 for the default 3, 1.25 for 5
 *
 * So a finding on an asset of default criticality with no exploitation signal scores its CVSS × 10, and the
 * buckets below then coincide with CVSS's own severity ranges; exploitation and criticality move it from there.
 */
export interface RiskInput {
  cvss: number | null;
  severity: KbSeverity;
  epss: number | null;
  kev: boolean;
  criticality: number;
}

/** A CVSS stand-in per severity, the middle of its CVSS range; `unknown` is scored as medium so it is not buried. */
export const SEVERITY_STAND_IN: Record<KbSeverity, number> = { critical: 9.5, high: 8, medium: 5.5, low: 2.5, none: 0, unknown: 5.5 };

export const KEV_THREAT = 1.25;
export const EPSS_THREAT_WEIGHT = 0.2;
export const CRITICALITY_STEP = 0.125;

/** Lower bounds of each bucket (CVSS v3 severity ranges × 10); a score of 0 is `none`. */
export const RISK_BUCKET_FLOORS: [RiskBucket, number][] = [
  ['critical', 90],
  ['high', 70],
  ['medium', 40],
  ['low', 0.1],
];

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export function riskScore(input: RiskInput): number {
  const base = clamp(input.cvss ?? SEVERITY_STAND_IN[input.severity], 0, 10);
  const threat = input.kev ? KEV_THREAT : 1 + EPSS_THREAT_WEIGHT * clamp(input.epss ?? 0, 0, 1);
  const criticality = clamp(Math.round(input.criticality), ASSET_CRITICALITY_MIN, ASSET_CRITICALITY_MAX);
  const weight = 1 + CRITICALITY_STEP * (criticality - DEFAULT_ASSET_CRITICALITY);
  return Math.round(Math.min(100, 10 * base * threat * weight) * 10) / 10;
}

export function riskBucket(score: number): RiskBucket {
  return RISK_BUCKET_FLOORS.find(([, floor]) => score >= floor)?.[0] ?? 'none';
}
