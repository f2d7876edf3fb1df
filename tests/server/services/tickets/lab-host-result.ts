import type { HostResult } from '../../../../scanner/protocol/v1/schemas';

/**
 * A host's SSH inventory result (Debian 12): with OpenSSH 9.2p1 installed (vulnerable in the seeded KB) or with it
 * removed — which fixes its findings on the next result, an SSH inventory observing every package.
 */
export function labHostResult(options: { address: string; fingerprint: string; vulnerable: boolean }): HostResult {
  const { address } = options;
  return {
    address,
    hostname: undefined,
    reachable: true,
    openPorts: [{ port: 22, proto: 'tcp', state: 'open' }],
    closedPorts: 0,
    filteredPorts: 0,
    services: [],
    ssh: {
      hostKey: { algorithm: 'ssh-ed25519', fingerprint: options.fingerprint },
      authenticated: true,
      inventory: {
        host: address,
        os: { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' },
        kernel: '6.1.0-18-amd64',
        packages: options.vulnerable ? [{ name: 'openssh-server', version: '1:9.2p1-2+deb12u2', source: 'openssh', arch: 'amd64', ecosystem: 'deb' }] : [],
        services: [],
      },
    },
    problems: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
  };
}
