import { createDistroDriver } from './distro-driver';

/** Alpine: secdb branch `vX.Y` from os-release VERSION_ID (`3.20.3` → `v3.20`; `edge` stays), origin package. */
export const alpineDriver = createDistroDriver({
  id: 'alpine',
  ecosystem: 'apk',
  scheme: 'apk',
  releaseOf(os) {
    if (os.name !== 'alpine') return { problem: `no apk vulnerability data for the distribution "${os.name}"` };
    if (/edge/.test(os.version)) return { distro: 'alpine', release: 'edge' };
    const match = /^(\d+)\.(\d+)/.exec(os.version);
    if (!match) return { problem: `unreadable Alpine version "${os.version}"` };
    return { distro: 'alpine', release: `v${match[1]}.${match[2]}` };
  },
});
