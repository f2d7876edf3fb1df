import type { HostResult } from '../../../scanner/protocol/v1/schemas';
import { AssetModel, WITHOUT_EVIDENCE, type Asset } from '../../models/asset.model';

/**
 * Which asset of a business unit a host result is: the one that knows the presented SSH host key (a key proves
 * the machine, wherever it now lives), else the one with one of its hostnames, else the one with its address.
 * An address or hostname belongs to one asset of a unit at a time: claiming it takes it from any other.
 */

export type StoredAsset = Omit<Asset, 'evidence'>;
export type AssetMatch = { asset: StoredAsset; by: 'host-key' | 'hostname' | 'address' };

/** Names every fresh install answers to: they identify nothing. */
const GENERIC_HOSTNAMES = new Set(['localhost', 'localhost.localdomain', 'localhost6', 'localhost6.localdomain6', 'ip6-localhost']);

/** A hostname as assets keep it (lower case, no trailing dot), or null when it identifies nothing. */
export function normaliseHostname(name: string | undefined, address: string): string | null {
  const normalised = name?.trim().toLowerCase().replace(/\.$/, '');
  return normalised && !GENERIC_HOSTNAMES.has(normalised) && normalised !== address.toLowerCase() ? normalised : null;
}

/** The result's hostnames: the reverse / given name first, then the name the host reports itself. */
export function hostnamesOf(result: HostResult): string[] {
  const names = [result.hostname, result.ssh?.inventory?.host].map((name) => normaliseHostname(name, result.address));
  return [...new Set(names.filter((name): name is string => name !== null))];
}

const newestFirst = { lastSeenAt: -1, _id: 1 } as const;

export async function findAsset(options: { businessUnitId: string; fingerprint: string | null; hostnames: string[]; address: string }): Promise<AssetMatch | null> {
  const { businessUnitId } = options;
  const lookups: [AssetMatch['by'], Record<string, unknown> | null][] = [
    ['host-key', options.fingerprint ? { 'sshHostKeys.fingerprint': options.fingerprint } : null],
    ['hostname', options.hostnames.length > 0 ? { hostnames: { $in: options.hostnames } } : null],
    ['address', { addresses: options.address }],
  ];
  for (const [by, filter] of lookups) {
    if (!filter) continue;
    const asset = await AssetModel.findOne({ businessUnitId, ...filter }, WITHOUT_EVIDENCE).sort(newestFirst).lean<StoredAsset>();
    if (asset) return { asset, by };
  }
  return null;
}

/** Takes the address and hostnames away from every other asset of the unit that still lists them. */
export async function claimIdentifiers(options: { businessUnitId: string; assetId: string; address: string; hostnames: string[] }): Promise<void> {
  const others = { businessUnitId: options.businessUnitId, _id: { $ne: options.assetId } };
  await AssetModel.updateMany({ ...others, addresses: options.address }, { $pull: { addresses: options.address } });
  if (options.hostnames.length > 0) await AssetModel.updateMany({ ...others, hostnames: { $in: options.hostnames } }, { $pullAll: { hostnames: options.hostnames } });
}

/**
 * The SSH host key each address is known by (the asset's most recently seen key), for scan jobs: a node that is
 * presented anything else does not log in (trust on first use).
 */
export async function knownHostKeys(options: { businessUnitId: string; addresses: string[] }): Promise<Map<string, string>> {
  const wanted = new Set(options.addresses);
  const known = new Map<string, string>();
  if (wanted.size === 0) return known;
  // One query per job: FerretDB scans for `$in` on an array either way, so a query per address would be worse.
  const assets = await AssetModel.find({ businessUnitId: options.businessUnitId, addresses: { $in: [...wanted] } }, { addresses: 1, sshHostKeys: 1 }).lean();
  for (const asset of assets) {
    const [newest] = [...asset.sshHostKeys].sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    for (const address of asset.addresses) if (wanted.has(address) && newest) known.set(address, newest.fingerprint);
  }
  return known;
}
