import type { KbImporter } from '../kb-types';
import { alpineSecdbImporter } from './alpine-secdb.importer';
import { debianOvalImporter } from './debian-oval.importer';
import { debianTrackerJsonImporter } from './debian-tracker-json.importer';
import { debianTrackerImporter } from './debian-tracker.importer';
import { embaEpssImporter, firstEpssImporter } from './epss.importer';
import { kevImporter } from './kev.importer';
import { nvdImporter } from './nvd.importer';
import { osvJsonImporter, osvYamlImporter } from './osv.importer';
import { osvZipImporter } from './osv-zip.importer';
import { ubuntuOvalImporter } from './ubuntu-oval.importer';

/**
 * Every upstream format Vigil reads. Detection asks them in this order; each importer's
 * `detect` is specific enough that at most one claims a file.
 */
export const KB_IMPORTERS: KbImporter[] = [
  nvdImporter,
  kevImporter,
  firstEpssImporter,
  embaEpssImporter,
  osvJsonImporter,
  osvYamlImporter,
  osvZipImporter,
  debianOvalImporter,
  ubuntuOvalImporter,
  debianTrackerImporter,
  debianTrackerJsonImporter,
  alpineSecdbImporter,
];
