import { router } from '../../init';
import { rolesMatrix } from './roles-matrix.procedure';

export const rolesRouter = router({ matrix: rolesMatrix });
