import { router } from '../../init';
import { scansControl } from './scans-control.procedure';
import { scansCreate } from './scans-create.procedure';
import { scansGet } from './scans-get.procedure';
import { scansLaunch } from './scans-launch.procedure';
import { scansList } from './scans-list.procedure';
import { scansRun } from './scans-run.procedure';

export const scansRouter = router({ list: scansList, get: scansGet, create: scansCreate, launch: scansLaunch, run: scansRun, control: scansControl });
