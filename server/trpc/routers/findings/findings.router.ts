import { router } from '../../init';
import { findingsGet } from './findings-get.procedure';
import { findingsGetSlaPolicy } from './findings-get-sla-policy.procedure';
import { findingsList } from './findings-list.procedure';
import { findingsRisk } from './findings-risk.procedure';
import { findingsSetAssetCriticality } from './findings-set-asset-criticality.procedure';
import { findingsSetSlaPolicy } from './findings-set-sla-policy.procedure';
import { findingsSla } from './findings-sla.procedure';
import { findingsSummary } from './findings-summary.procedure';

export const findingsRouter = router({
  list: findingsList,
  sla: findingsSla,
  getSlaPolicy: findingsGetSlaPolicy,
  setSlaPolicy: findingsSetSlaPolicy,
  risk: findingsRisk,
  setAssetCriticality: findingsSetAssetCriticality,
  summary: findingsSummary,
  // Last: GET /findings/{id} would otherwise take /findings/sla and the other static paths.
  get: findingsGet,
});
