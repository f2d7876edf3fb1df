import { router } from '../../init';
import { findingsList } from './findings-list.procedure';

export const findingsRouter = router({ list: findingsList });
