import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface NmapPort {
  port: number;
  product?: string;
  version?: string;
}

const attribute = (options: { element: string; name: string }) => {
  const value = new RegExp(`\\b${options.name}="([^"]*)"`).exec(options.element)?.[1];
  return value?.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
};

/** Runs nmap with `args` plus `-oX -` and returns each host's open ports (with what `-sV` named, if it ran). */
export async function runNmap(options: { args: string[]; hosts: string[] }): Promise<Map<string, NmapPort[]>> {
  const { stdout } = await execFileAsync('nmap', [...options.args, '-oX', '-', ...options.hosts], { maxBuffer: 64 * 1024 * 1024 });
  const found = new Map<string, NmapPort[]>();
  for (const host of stdout.split('<host ').slice(1)) {
    const address = /<address addr="([^"]+)" addrtype="ipv[46]"/.exec(host)?.[1];
    if (!address) continue;
    const ports: NmapPort[] = [];
    for (const match of host.matchAll(/<port protocol="tcp" portid="(\d+)">(.*?)<\/port>/gs)) {
      const body = match[2]!;
      if (!/<state state="open"/.test(body)) continue;
      const service = /<service [^>]*>/.exec(body)?.[0] ?? '';
      const product = attribute({ element: service, name: 'product' });
      const version = attribute({ element: service, name: 'version' });
      ports.push({ port: Number(match[1]), ...(product && { product }), ...(version && { version }) });
    }
    found.set(address, ports);
  }
  return found;
}
