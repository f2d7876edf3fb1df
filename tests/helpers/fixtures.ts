import path from 'node:path';
import { PROJECT_ROOT } from './cli';

/** Real upstream vulnerability data (../shared/kb-fixtures, see its README). */
export const KB_FIXTURES = path.resolve(PROJECT_ROOT, '..', 'shared', 'kb-fixtures');

export function fixture(...parts: string[]): string {
  return path.join(KB_FIXTURES, ...parts);
}
