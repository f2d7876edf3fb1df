import { randomUUID } from 'node:crypto';
import { canWriteUnit, ROOT_BUSINESS_UNIT_ID, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ScanModel, type Scan } from '../../models/scan.model';
import { expandTargets } from '../../../scanner/targets';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { getCredential } from '../credentials/get-credential';
import { createScanInput, DEFAULT_LIMITS, type CreateScanInput } from './scan-input';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Creates a scan definition in one of the caller's units. Targets are expanded now so a typo fails here, not at 2 a.m. */
export async function createScan(options: { scope: Scope; actor: AuditActor; input: CreateScanInput; ip?: string | null }): Promise<Scan> {
  const parsed = createScanInput.safeParse(options.input);
  if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  const input = parsed.data;
  const businessUnitId = input.businessUnitId ?? (options.scope.kind === 'units' ? options.scope.businessUnitIds[0]! : ROOT_BUSINESS_UNIT_ID);
  if (!canWriteUnit(options.scope, businessUnitId)) throw new AppError('NOT_FOUND', `business unit ${businessUnitId} not found`);
  const expanded = expandTargets({ targets: input.targets, exclusions: input.exclusions });
  if (expanded.hosts.length === 0) {
    const why = expanded.problems.map((p) => `${p.target}: ${p.message}`).join('; ');
    throw new AppError('BAD_INPUT', `the targets leave no host to scan${why ? ` (${why})` : ''}`);
  }
  const credential = input.credential ? await getCredential({ scope: { kind: 'units', businessUnitIds: [businessUnitId] }, ref: { name: input.credential } }) : null;
  const profile = input.profile ?? (credential ? 'inventory' : 'services');
  if (profile === 'inventory' && !credential) throw new AppError('BAD_INPUT', 'an inventory scan needs --credential');
  const now = new Date();
  const scan: Scan = {
    _id: randomUUID(),
    name: input.name,
    businessUnitId,
    targets: input.targets,
    exclusions: input.exclusions,
    ports: input.ports,
    profile,
    credentialId: credential?.id ?? null,
    schedule: input.schedule ?? null,
    lastScheduledFor: input.schedule ? now : null,
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    hostsPerJob: input.hostsPerJob,
    createdBy: options.actor.email ?? options.actor.id ?? options.actor.type,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await ScanModel.create(scan);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `a scan named "${input.name}" already exists`);
    throw error;
  }
  await recordAudit({ actor: options.actor, action: 'scan.create', target: { type: 'scan', id: scan._id, label: scan.name }, ip: options.ip ?? null, outcome: 'success', businessUnitId, details: { targets: input.targets.join(' ').slice(0, 500), ports: input.ports, profile, schedule: scan.schedule } });
  return scan;
}
