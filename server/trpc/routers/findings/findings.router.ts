import { router } from '../../init';
import { findingsGetSlaPolicy } from './findings-get-sla-policy.procedure';
import { findingsList } from './findings-list.procedure';
import { findingsRisk } from './findings-risk.procedure';
import { findingsSetAssetCriticality } from './findings-set-asset-criticality.procedure';
import { findingsSetSlaPolicy } from './findings-set-sla-policy.procedure';
import { findingsSla } from './findings-sla.procedure';

export const findingsRouter = router({
  list: findingsList,
  sla: findingsSla,
  getSlaPolicy: findingsGetSlaPolicy,
  setSlaPolicy: findingsSetSlaPolicy,
  risk: findingsRisk,
  setAssetCriticality: findingsSetAssetCriticality,
});
