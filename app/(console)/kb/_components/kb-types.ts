import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../../server/trpc/root';

/** What the KB procedures answer, as the console receives it. */
export type KbSearchInput = inferRouterInputs<AppRouter>['kb']['search'];
export type KbSearchResult = inferRouterOutputs<AppRouter>['kb']['search'];
export type KbListItem = KbSearchResult['items'][number];
export type KbDetail = inferRouterOutputs<AppRouter>['kb']['get'];
export type KbAffected = KbDetail['affected'][number];
export type KbSourcesResult = inferRouterOutputs<AppRouter>['kb']['sources'];
export type KbSourceRow = KbSourcesResult['sources'][number];
export type KbSeverity = KbListItem['severity'];
export type KbSort = NonNullable<KbSearchInput['sort']>;
export type KbEcosystem = NonNullable<KbSearchInput['ecosystem']>;

/** A failure as a KB page shows it: a domain code and a message written for people. */
export interface KbError {
  code: string;
  message: string;
}
