import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function isVigilRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'vigil';
  } catch {
    return false;
  }
}

/**
 * The installation directory (where package.json and the built FerretDB launcher live).
 * `VIGIL_HOME` wins; otherwise walk up from this file, then from the working directory.
 */
export function projectRoot(): string {
  if (process.env.VIGIL_HOME) return path.resolve(process.env.VIGIL_HOME);
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (isVigilRoot(dir)) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return process.cwd();
}

export function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
