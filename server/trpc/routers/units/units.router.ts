import { router } from '../../init';
import { unitsCreate } from './units-create.procedure';
import { unitsDelete } from './units-delete.procedure';
import { unitsGet } from './units-get.procedure';
import { unitsList } from './units-list.procedure';
import { unitsUpdate } from './units-update.procedure';

export const unitsRouter = router({ list: unitsList, get: unitsGet, create: unitsCreate, update: unitsUpdate, delete: unitsDelete });
