import { randomUUID } from 'node:crypto';
import type { HostProblem, HostResult, SshResult } from '../../../scanner/protocol/v1/schemas';
import type { FieldEncryption } from '../../crypto/encryption';
import type { Inventory } from '../../inventory/inventory.schema';
import { AssetModel, type Asset, type AssetHostKey, type AssetHostKeyAlert } from '../../models/asset.model';
import { InventoryModel } from '../../models/inventory.model';
import { ScanRunModel } from '../../models/scan-run.model';
import { ScanModel } from '../../models/scan.model';
import { parsePortSpec } from '../../../scanner/targets';
import { storeInventoryAndDetect } from '../detection/store-inventory';
import { inventoryOf } from '../detection/stored-inventory';
import { refreshOpenFindingRollup } from '../findings/risk-rollup';
import { syncAssetFindings, type FindingObservation } from '../findings/sync-asset-findings';
import { claimIdentifiers, findAsset, hostnamesOf, normaliseHostname, type AssetMatch, type StoredAsset } from './asset-identity';
import { inventoryServices, portsWereScanned, sealInventoryEvidence, sealServiceEvidence, serviceSummaries } from './host-observation';

export interface RecordHostResultOutcome {
  assetId: string;
  created: boolean;
  /** open: the asset's open findings now; appeared: opened or reopened by this result; fixed: closed by it. */
  findings: { open: number; appeared: number; fixed: number };
  /** The host presented a key its asset did not know: the alert is recorded and nothing else of the result. */
  hostKeyAlert: boolean;
}

/** Identifiers kept per asset, most recent first (DHCP hosts collect addresses). */
const MAX_IDENTIFIERS = 32;

/** The OS of a host seen only from the network: detection then matches its services' CPEs alone. */
const UNKNOWN_OS = { family: 'unknown', name: 'unknown', version: '' };

const mostRecentFirst = (current: string[], previous: string[]) => [...new Set([...current, ...previous])].slice(0, MAX_IDENTIFIERS);

/**
 * Trust on first use. A match by host key is the machine itself (even where the scanner expected another key
 * for the address: the hosts swapped addresses). A match by hostname or address that knows other keys — or for
 * which the node refused a mismatching key — may be another machine: alert, and trust nothing it said.
 */
function hostKeyAlertOf(match: AssetMatch, presented: SshResult['hostKey'] | null, problems: HostProblem[], at: Date): AssetHostKeyAlert | null {
  if (match.by === 'host-key') return null;
  const expected = match.asset.sshHostKeys.map((key) => key.fingerprint);
  const unknownKey = presented !== null && expected.length > 0;
  if (!unknownKey && !problems.some((problem) => problem.stage === 'host-key-mismatch')) return null;
  return { expected, presented: presented?.fingerprint ?? null, at };
}

function withHostKey(keys: AssetHostKey[], presented: SshResult['hostKey'] | null, at: Date): AssetHostKey[] {
  if (!presented) return keys;
  if (!keys.some((key) => key.fingerprint === presented.fingerprint)) return [...keys, { ...presented, firstSeenAt: at, lastSeenAt: at }];
  return keys.map((key) => (key.fingerprint === presented.fingerprint ? { ...key, lastSeenAt: at } : key));
}

/** The name the scan was given or found in DNS, else the name kept so far, else the host's own, else the address. */
function displayName(result: HostResult, previous: StoredAsset | undefined, hostnames: string[]): string {
  const kept = previous && previous.hostnames.includes(previous.name) ? previous.name : null;
  return normaliseHostname(result.hostname, result.address) ?? kept ?? hostnames[0] ?? result.address;
}

/** A host without a new SSH inventory keeps its last one (OS and packages sharpen service matching). */
async function lastInventory(asset: Pick<Asset, '_id' | 'inventoryAt'> | undefined, host: string): Promise<Inventory> {
  const stored = asset?.inventoryAt ? await InventoryModel.findById(asset._id, { host: 1, os: 1, kernel: 1, packagesText: 1, services: 1 }).lean() : null;
  return stored ? inventoryOf(stored) : { host, os: UNKNOWN_OS, packages: [], services: [] };
}

/** The ports the run's scan probes (null: not a run of a stored scan, e.g. a test's result). */
async function scannedPortsOf(runId: string): Promise<number[] | null> {
  const run = await ScanRunModel.findById(runId, { scanId: 1 }).lean();
  const scan = run ? await ScanModel.findById(run.scanId, { ports: 1 }).lean() : null;
  return scan ? parsePortSpec(scan.ports) : null;
}

/**
 * Records one host's scan result in its business unit: finds or creates the asset (identity survives address
 * changes), stores the service summary, the inventory and the encrypted evidence, detects, and brings the findings
 * up to date. An unreachable host with no open port is no asset: null. Each step is idempotent, so a result whose
 * recording failed half-way is recorded again from the start.
 */
export async function recordHostResult(options: { encryption: FieldEncryption; businessUnitId: string; runId: string; result: HostResult }): Promise<RecordHostResultOutcome | null> {
  const { encryption, businessUnitId, runId, result } = options;
  if (!result.reachable && result.openPorts.length === 0) return null;
  const at = new Date();
  const presented = result.ssh?.hostKey ?? null;
  const hostnames = hostnamesOf(result);
  const match = await findAsset({ businessUnitId, fingerprint: presented?.fingerprint ?? null, hostnames, address: result.address });
  const previous = match?.asset;

  const alert = match ? hostKeyAlertOf(match, presented, result.problems, at) : null;
  if (previous && alert) {
    await AssetModel.updateOne({ _id: previous._id }, { $set: { hostKeyAlert: alert, lastScanRunId: runId } });
    return { assetId: previous._id, created: false, findings: { open: previous.openFindings.total, appeared: 0, fixed: 0 }, hostKeyAlert: true };
  }

  const inventory = result.ssh?.inventory ?? null;
  const servicesSeen = portsWereScanned(result);
  const assetId = previous?._id ?? randomUUID();
  const allHostnames = mostRecentFirst(hostnames, previous?.hostnames ?? []);
  const fields = {
    name: displayName(result, previous, allHostnames),
    hostnames: allHostnames,
    addresses: mostRecentFirst([result.address], previous?.addresses ?? []),
    sshHostKeys: withHostKey(previous?.sshHostKeys ?? [], presented, at),
    lastScanRunId: runId,
    lastSeenAt: at,
    ...(servicesSeen ? { services: serviceSummaries(result) } : {}),
    ...(inventory ? { os: inventory.os, kernel: inventory.kernel ?? null, packageCount: inventory.packages.length, inventoryAt: at } : {}),
  };
  const evidence = {
    ...(servicesSeen ? { services: await sealServiceEvidence(encryption, result, at) } : {}),
    ...(inventory ? { inventory: await sealInventoryEvidence(encryption, result.ssh?.rawOutput, at) } : {}),
  };
  if (previous) {
    const evidenceFields = Object.fromEntries(Object.entries(evidence).map(([part, sealed]) => [`evidence.${part}`, sealed]));
    await AssetModel.updateOne({ _id: assetId }, { $set: { ...fields, ...evidenceFields } });
  } else {
    await AssetModel.create({ _id: assetId, businessUnitId, firstSeenAt: at, hostKeyAlert: null, ...fields, evidence: { services: null, inventory: null, ...evidence } });
  }
  await claimIdentifiers({ businessUnitId, assetId, address: result.address, hostnames });

  const observation: FindingObservation | null = inventory ? 'all' : servicesSeen ? 'services' : null;
  if (!observation) return { assetId, created: !previous, findings: { open: previous?.openFindings.total ?? 0, appeared: 0, fixed: 0 }, hostKeyAlert: false };
  const hostInventory = inventory ? { ...inventory, services: inventoryServices(result, inventory.services) } : { ...(await lastInventory(previous, fields.name)), services: inventoryServices(result) };
  const detection = await storeInventoryAndDetect({ assetKey: assetId, businessUnitId, inventory: hostInventory });
  // A network scan fixes service findings only on the ports it probed: absence from an unrelated scan fixes nothing.
  const scannedPorts = observation === 'services' ? await scannedPortsOf(runId) : null;
  const changes = await syncAssetFindings({ businessUnitId, assetId, runId, findings: detection.result.findings, observation, ...(scannedPorts ? { scannedPorts } : {}), at });
  const { counts } = await refreshOpenFindingRollup({ assetId });
  return { assetId, created: !previous, findings: { open: counts.total, ...changes }, hostKeyAlert: false };
}
