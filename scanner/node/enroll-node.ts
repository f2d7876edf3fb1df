import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { AppError } from '../../server/errors/app-error';
import { enrollResponseSchema } from '../protocol/v1/schemas';
import { parseEnrollmentToken } from '../protocol/v1/signing';
import { ConsoleRequestError, fetchPinnedCertificate, postUnsigned } from './console-client';
import { identityFile, saveNodeIdentity, type NodeIdentity } from './node-identity';

/**
 * Enrols this node: finds the certificate the token pins in the console's TLS chain (so even the first request
 * goes only to the real console), creates the node's Ed25519 key pair, presents the token and the public key,
 * and stores the identity (0600). The private key never leaves the node.
 */
export async function enrollNode(options: { server: string; token: string; dataDir: string; name: string; version: string }): Promise<NodeIdentity> {
  if (existsSync(identityFile(options.dataDir))) throw new AppError('CONFLICT', `this node is already enrolled (${identityFile(options.dataDir)}); remove it to enrol again`);
  const token = parseEnrollmentToken(options.token);
  if (!token) throw new AppError('BAD_INPUT', 'that is not an enrolment token (vst1.…); create one with: vigil scanner token create');
  let server: string;
  try {
    server = new URL(options.server).origin;
  } catch {
    throw new AppError('BAD_INPUT', `not a URL: ${options.server}`);
  }
  try {
    const pinnedCertificatePem = await fetchPinnedCertificate({ server, pin: token.pin });
    const connection = { server, pin: token.pin, pinnedCertificatePem };
    const keys = generateKeyPairSync('ed25519');
    const enrolled = await postUnsigned({
      connection,
      operation: '/enroll',
      payload: { token: options.token.trim(), name: options.name, publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), version: options.version },
      schema: enrollResponseSchema,
    });
    const identity: NodeIdentity = {
      server,
      nodeId: enrolled.nodeId,
      name: enrolled.name,
      pin: token.pin,
      pinnedCertificatePem,
      privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      heartbeatSeconds: enrolled.heartbeatSeconds,
      pollSeconds: enrolled.pollSeconds,
    };
    saveNodeIdentity({ dataDir: options.dataDir, identity });
    return identity;
  } catch (error) {
    if (error instanceof ConsoleRequestError) throw new AppError(error.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL', `enrolment failed: ${error.message}`);
    throw error;
  }
}
