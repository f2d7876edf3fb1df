import { createHash } from 'node:crypto';

export interface SshHostKey {
  /** The key's type as the SSH wire format names it: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`… */
  algorithm: string;
  /** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l` and `ssh` print it. */
  fingerprint: string;
}

/** Fingerprint and algorithm of a public key blob in SSH wire format (what a server presents in key exchange). */
export function sshHostKeyOf(keyBlob: Buffer): SshHostKey {
  // The blob starts with its type as an SSH string: a uint32 length, then that many ASCII bytes.
  // A hostile server chooses these bytes: only a short printable name is reported.
  const typeLength = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const type = keyBlob.length >= 4 + typeLength ? keyBlob.subarray(4, 4 + typeLength).toString('latin1') : '';
  const algorithm = /^[\x21-\x7e]{1,64}$/.test(type) ? type : 'unknown';
  const fingerprint = `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
  return { algorithm, fingerprint };
}
