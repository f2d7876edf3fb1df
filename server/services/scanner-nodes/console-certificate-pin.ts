import { X509Certificate } from 'node:crypto';
import type { TlsMaterial } from '../../crypto/internal-ca';
import { certificatePin } from '../../../scanner/protocol/v1/signing';

/** What enrolment tokens pin: the internal CA, or the operator's own certificate (the first of VIGIL_TLS_CERT). */
export function consoleCertificatePin(tls: TlsMaterial): string {
  return tls.caFingerprint ?? certificatePin(new X509Certificate(tls.cert).raw);
}
