import { router } from '../../init';
import { kbGet } from './kb-get.procedure';
import { kbSearch } from './kb-search.procedure';
import { kbSources } from './kb-sources.procedure';
import { kbSyncNow } from './kb-sync-now.procedure';
import { kbSyncRun } from './kb-sync-run.procedure';

export const kbRouter = router({ search: kbSearch, get: kbGet, sources: kbSources, syncNow: kbSyncNow, syncRun: kbSyncRun });
