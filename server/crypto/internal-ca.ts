import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate, createHash, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { AppError } from '../errors/app-error';

/**
 * The console's internal certificate authority, created under the data directory on first
 * start. It issues the console's HTTPS certificate (and, later, scanner node identities).
 * Private keys are written 0600 and never leave the data directory.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const CA_VALIDITY_DAYS = 3650;
const SERVER_VALIDITY_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TlsMaterial {
  cert: string;
  key: string;
  caCert: string | null;
  /** SHA-256 of the CA certificate (DER), for pinning by scanner nodes. */
  caFingerprint: string | null;
}

function tlsPaths(dataDir: string) {
  const dir = path.join(dataDir, 'tls');
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'console.crt'),
    serverKey: path.join(dir, 'console.key'),
  };
}

const serial = () => randomBytes(16).toString('hex').replace(/^[89a-f]/, '1');

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey));
  return x509.PemConverter.encode(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength), 'PRIVATE KEY');
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new AppError('TLS_INVALID', 'internal CA key is not PEM');
  return (await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign'])) as unknown as CryptoKey;
}

function fingerprintOf(certPem: string): string {
  return createHash('sha256').update(new NodeX509Certificate(certPem).raw).digest('hex');
}

async function createCa(p: ReturnType<typeof tlsPaths>): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Vigil Internal CA ${os.hostname()}, O=Vigil`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writeFileSync(p.caKey, await exportKeyPem(keys.privateKey), { mode: 0o600 });
  writeFileSync(p.caCert, cert.toString('pem'), { mode: 0o644 });
  return { cert, key: keys.privateKey };
}

async function issueServerCert(p: ReturnType<typeof tlsPaths>, ca: { cert: x509.X509Certificate; key: CryptoKey }): Promise<void> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const hostname = os.hostname();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hostname}, O=Vigil`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + SERVER_VALIDITY_DAYS * DAY_MS),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: hostname },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  writeFileSync(p.serverKey, await exportKeyPem(keys.privateKey), { mode: 0o600 });
  writeFileSync(p.serverCert, `${cert.toString('pem')}\n${ca.cert.toString('pem')}\n`, { mode: 0o644 });
}

/** Creates the CA on first use and (re)issues the console certificate when missing or near expiry. */
export async function ensureInternalTls(options: { dataDir: string }): Promise<TlsMaterial> {
  const p = tlsPaths(options.dataDir);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const ca = existsSync(p.caCert) && existsSync(p.caKey)
    ? { cert: new x509.X509Certificate(readFileSync(p.caCert, 'utf8')), key: await importKeyPem(readFileSync(p.caKey, 'utf8')) }
    : await createCa(p);
  const needsServerCert =
    !existsSync(p.serverCert) ||
    !existsSync(p.serverKey) ||
    new x509.X509Certificate(readFileSync(p.serverCert, 'utf8')).notAfter.getTime() < Date.now() + RENEW_BEFORE_DAYS * DAY_MS;
  if (needsServerCert) await issueServerCert(p, ca);
  const caCert = readFileSync(p.caCert, 'utf8');
  return { cert: readFileSync(p.serverCert, 'utf8'), key: readFileSync(p.serverKey, 'utf8'), caCert, caFingerprint: fingerprintOf(caCert) };
}

/** Loads an operator-provided certificate and key (VIGIL_TLS_CERT / VIGIL_TLS_KEY). */
export function loadProvidedTls(options: { certFile: string; keyFile: string }): TlsMaterial {
  try {
    const cert = readFileSync(options.certFile, 'utf8');
    const key = readFileSync(options.keyFile, 'utf8');
    new NodeX509Certificate(cert);
    return { cert, key, caCert: null, caFingerprint: null };
  } catch (error) {
    throw new AppError('TLS_INVALID', `cannot use the TLS certificate ${options.certFile} / key ${options.keyFile}: ${(error as Error).message}`);
  }
}

/** The TLS material the console serves: the operator's (VIGIL_TLS_CERT/KEY) when set, else the internal CA's. */
export async function consoleTlsMaterial(config: { tls: { certFile: string; keyFile: string } | undefined; dataDir: string }): Promise<TlsMaterial> {
  return config.tls ? loadProvidedTls(config.tls) : ensureInternalTls({ dataDir: config.dataDir });
}
