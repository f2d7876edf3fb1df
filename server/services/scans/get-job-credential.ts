import { AppError } from '../../errors/app-error';
import type { ScannerNode } from '../../models/scanner-node.model';
import { ScanModel } from '../../models/scan.model';
import type { JobCredential } from '../../../scanner/protocol/v1/schemas';
import { CredentialModel } from '../../models/credential.model';
import { getCredentialSecretForJob } from '../credentials/get-credential-secret-for-job';
import { requireJobLease } from './scan-job-lease';

/**
 * The scan's credential in clear, for the node holding the job's lease and no one else. Read from the vault for
 * this request only; the node keeps it in memory for the job.
 */
export async function getJobCredential(options: { node: ScannerNode; jobId: string; leaseId: string }): Promise<JobCredential> {
  const job = await requireJobLease(options);
  const scan = await ScanModel.findById(job.scanId, { credentialId: 1, profile: 1 }).lean();
  if (!scan?.credentialId || scan.profile !== 'inventory') throw new AppError('NOT_FOUND', `job ${job._id} uses no credential`);
  const scope = { kind: 'units', businessUnitIds: [job.businessUnitId] } as const;
  const metadata = await CredentialModel.findOne({ _id: scan.credentialId, businessUnitId: job.businessUnitId }, { type: 1, username: 1, sudo: 1 }).lean();
  if (!metadata) throw new AppError('NOT_FOUND', `the credential of job ${job._id} no longer exists`);
  const secret = await getCredentialSecretForJob({ scope, ref: { id: scan.credentialId } });
  return {
    type: metadata.type,
    username: metadata.username,
    sudo: metadata.sudo,
    ...(secret.password ? { password: secret.password } : {}),
    ...(secret.privateKey ? { privateKey: secret.privateKey } : {}),
    ...(secret.passphrase ? { passphrase: secret.passphrase } : {}),
    ...(secret.sudoPassword ? { sudoPassword: secret.sudoPassword } : {}),
  };
}
