import { router } from '../../init';
import { kbGet } from './kb-get.procedure';
import { kbSearch } from './kb-search.procedure';
import { kbSources } from './kb-sources.procedure';

export const kbRouter = router({ search: kbSearch, get: kbGet, sources: kbSources });
