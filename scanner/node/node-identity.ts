import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../server/errors/app-error';

/** What enrolment leaves on the node: who it is, the console it trusts, and its private key (file mode 0600). */
const nodeIdentitySchema = z.object({
  server: z.string().url(),
  nodeId: z.string().min(1),
  name: z.string().min(1),
  /** SHA-256 of the console certificate the node pinned at enrolment, and that certificate. */
  pin: z.string().regex(/^[0-9a-f]{64}$/),
  pinnedCertificatePem: z.string().min(1),
  privateKeyPem: z.string().min(1),
  heartbeatSeconds: z.number().int().positive(),
  pollSeconds: z.number().int().positive(),
});
export type NodeIdentity = z.infer<typeof nodeIdentitySchema>;

export const identityFile = (dataDir: string) => path.join(dataDir, 'identity.json');

export function saveNodeIdentity(options: { dataDir: string; identity: NodeIdentity }): void {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = identityFile(options.dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(options.identity, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

export function loadNodeIdentity(options: { dataDir: string }): NodeIdentity {
  const file = identityFile(options.dataDir);
  if (!existsSync(file)) throw new AppError('CONFIG_INVALID', `this node is not enrolled (no ${file}); run: vigil scanner enroll --server URL --token-stdin --data-dir ${options.dataDir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `cannot read the node identity ${file}: ${(error as Error).message}`);
  }
  const parsed = nodeIdentitySchema.safeParse(raw);
  if (!parsed.success) throw new AppError('CONFIG_INVALID', `the node identity ${file} is damaged; enrol the node again`);
  return parsed.data;
}
