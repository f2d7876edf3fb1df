import type { Binary } from 'mongodb';
import type { DetectedService, HostResult } from '../../../scanner/protocol/v1/schemas';
import type { FieldEncryption } from '../../crypto/encryption';
import type { InventoryService } from '../../inventory/inventory.schema';
import type { AssetService } from '../../models/asset.model';

/** What one host result says about the host's services, and its raw evidence sealed for storage. */

/** A port scan ran (something was counted), so the open ports and their services are the complete picture. */
export const portsWereScanned = (result: HostResult) => result.openPorts.length + result.closedPorts + result.filteredPorts + result.services.length > 0;

function summaryOf(service: DetectedService): AssetService {
  return {
    port: service.port,
    proto: service.proto,
    name: service.name,
    product: service.product ?? null,
    version: service.version ?? null,
    cpe: service.cpe ?? null,
    tls: service.tls ? { ...service.tls, protocols: [...service.tls.protocols], fingerprint256: service.tls.fingerprint256 ?? null } : null,
    http: service.http ? { status: service.http.status, server: service.http.server ?? null, title: service.http.title ?? null } : null,
  };
}

/** The non-secret summary of every open port (`unknown` where no service was recognised), by port. Banners stay out. */
export function serviceSummaries(result: HostResult): AssetService[] {
  const byPort = new Map(result.services.map((service) => [service.port, summaryOf(service)]));
  for (const { port } of result.openPorts) {
    if (!byPort.has(port)) byPort.set(port, { port, proto: 'tcp', name: 'unknown', product: null, version: null, cpe: null, tls: null, http: null });
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/** The detected services as detection reads them: the CPE driver matches those with a CPE (confidence potential). */
export function inventoryServices(result: HostResult, reported: InventoryService[] = []): InventoryService[] {
  const fromNetwork = result.services
    .filter((service) => !reported.some((r) => r.port === service.port && r.proto === service.proto))
    .map((service) => ({ port: service.port, proto: service.proto, ...(service.product ? { product: service.product } : {}), ...(service.version ? { version: service.version } : {}), ...(service.cpe ? { cpe: service.cpe } : {}) }));
  return [...reported, ...fromNetwork];
}

/** Largest inventory output kept as evidence: the asset document must stay far below MongoDB's 16 MB. */
export const MAX_RAW_OUTPUT_CHARS = 8 * 1024 * 1024;

export async function sealServiceEvidence(encryption: FieldEncryption, result: HostResult, at: Date): Promise<Binary | null> {
  const banners = result.services.filter((service) => service.banner).map((service) => ({ port: service.port, banner: service.banner! }));
  if (banners.length === 0) return null;
  return encryption.encrypt({ collectedAt: at.toISOString(), banners }, { purpose: 'evidence' });
}

export async function sealInventoryEvidence(encryption: FieldEncryption, rawOutput: string | undefined, at: Date): Promise<Binary | null> {
  if (!rawOutput) return null;
  const truncated = rawOutput.length > MAX_RAW_OUTPUT_CHARS;
  return encryption.encrypt({ collectedAt: at.toISOString(), rawOutput: truncated ? rawOutput.slice(0, MAX_RAW_OUTPUT_CHARS) : rawOutput, truncated }, { purpose: 'evidence' });
}
