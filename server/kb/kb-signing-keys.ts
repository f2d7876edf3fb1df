import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors/app-error';

/**
 * Ed25519 keys for offline KB bundles. The producing site signs with its own key
 * (`<data>/kb-signing/ed25519.key`, 0600); a consuming (air-gapped) site trusts public keys
 * placed in `<data>/kb-signing/trusted/` (`vigil kb trust FILE`), plus its own.
 */
function keyDir(dataDir: string) {
  const dir = path.join(dataDir, 'kb-signing');
  return { dir, privateKey: path.join(dir, 'ed25519.key'), publicKey: path.join(dir, 'ed25519.pub'), trusted: path.join(dir, 'trusted') };
}

/** Short id of a public key: the first 16 hex digits of SHA-256 over its DER (SPKI). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function ensureSigningKey(dataDir: string): { privateKey: KeyObject; publicKey: KeyObject; keyId: string; publicKeyFile: string } {
  const p = keyDir(dataDir);
  if (!existsSync(p.privateKey)) {
    mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    writeFileSync(p.privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(p.publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  }
  const privateKey = createPrivateKey(readFileSync(p.privateKey));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeyFile: p.publicKey };
}

/** Public keys this site accepts bundles from, by key id. */
export function trustedKeys(dataDir: string): Map<string, KeyObject> {
  const p = keyDir(dataDir);
  const keys = new Map<string, KeyObject>();
  const add = (file: string) => {
    try {
      const key = createPublicKey(readFileSync(file));
      if (key.asymmetricKeyType === 'ed25519') keys.set(keyIdOf(key), key);
    } catch {
      // An unreadable file in the trust folder trusts nothing; `vigil kb trust` validates on entry.
    }
  };
  if (existsSync(p.publicKey)) add(p.publicKey);
  if (existsSync(p.trusted)) for (const name of readdirSync(p.trusted).filter((n) => n.endsWith('.pub')).sort()) add(path.join(p.trusted, name));
  return keys;
}

/** Adds a producer's public key to the trusted set. */
export function trustKey(dataDir: string, file: string): string {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (error) {
    throw new AppError('BAD_INPUT', `${file} is not a public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AppError('BAD_INPUT', `${file} is a ${key.asymmetricKeyType} key; KB bundles are signed with Ed25519`);
  const keyId = keyIdOf(key);
  const p = keyDir(dataDir);
  mkdirSync(p.trusted, { recursive: true, mode: 0o700 });
  copyFileSync(file, path.join(p.trusted, `${keyId}.pub`));
  return keyId;
}
