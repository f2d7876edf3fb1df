import { router } from '../../init';
import { scannersCreateToken } from './scanners-create-token.procedure';
import { scannersList } from './scanners-list.procedure';
import { scannersSetStatus } from './scanners-set-status.procedure';

export const scannersRouter = router({ list: scannersList, createToken: scannersCreateToken, setStatus: scannersSetStatus });
