import { router } from '../../init';
import { assetsGet } from './assets-get.procedure';
import { assetsList } from './assets-list.procedure';

export const assetsRouter = router({ list: assetsList, get: assetsGet });
