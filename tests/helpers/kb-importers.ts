import path from 'node:path';
import type { KbContribution, KbImporter, KbImportProblem } from '../../server/kb/kb-types';

/** Runs an importer over a file, keeping its contributions, problems and a file-level error. */
export async function collect(importer: KbImporter, filePath: string, fileName = path.basename(filePath)) {
  const contributions: KbContribution[] = [];
  const problems: KbImportProblem[] = [];
  let error: Error | undefined;
  try {
    for await (const contribution of importer.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(contribution);
  } catch (caught) {
    error = caught as Error;
  }
  return { contributions, problems, error };
}
