'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { TokenTable, tokenState, type TokenRow } from '../../../_components/tokens/token-table';
import { Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';

type User = RouterOutputs['users']['list']['items'][number];
type Unit = RouterOutputs['units']['list']['items'][number];

/** Administrators: the API tokens of every user of their units; any active one can be revoked. */
export function AllTokensView(props: { initialTokens: TokenRow[]; users: User[]; units: Unit[]; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = { owner: 'all' as const };
  const tokens = useQuery({ ...trpc.tokens.list.queryOptions(input), initialData: { items: props.initialTokens } });
  const [state, setState] = useState<'active' | 'all'>('active');
  const [owner, setOwner] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const owners = useMemo(() => new Map(props.users.map((user) => [user.id, user.email])), [props.users]);
  const unitNames = useMemo(() => new Map(props.units.map((unit) => [unit.id, unit.name])), [props.units]);
  const rows = (tokens.data?.items ?? []).filter(
    (token) => (state === 'all' || tokenState(token, props.now) === 'active') && (!owner || (owners.get(token.userId) ?? '').includes(owner.trim().toLowerCase())),
  );
  return (
    <>
      <Notice notice={notice} testId="tokens-notice" />
      <form className="card ui-filters" role="search" aria-label="Filter API tokens" onSubmit={(event) => event.preventDefault()}>
        <div className="ui-field ui-field-grow">
          <label htmlFor="tokens-owner">Owner</label>
          <input id="tokens-owner" type="search" className="ui-input" placeholder="Part of the owner’s e-mail" value={owner} onChange={(event) => setOwner(event.currentTarget.value)} data-testid="tokens-owner" />
        </div>
        <div className="ui-field">
          <label htmlFor="tokens-state">Show</label>
          <select id="tokens-state" className="ui-select" value={state} onChange={(event) => setState(event.currentTarget.value as 'active' | 'all')} data-testid="tokens-state">
            <option value="active">Active tokens</option>
            <option value="all">All, with revoked and expired</option>
          </select>
        </div>
      </form>
      <section className="card ui-card" aria-labelledby="tokens-title" aria-busy={tokens.isFetching} data-testid="all-tokens">
        <header className="ui-card-header">
          <h2 id="tokens-title">
            <span data-testid="tokens-total">{rows.length}</span> API {rows.length === 1 ? 'token' : 'tokens'}
          </h2>
          <p className="ui-card-note">Tokens of the users of your business units. Users create their own tokens on their Account page.</p>
        </header>
        {tokens.error ? <ErrorAlert error={toUiError(tokens.error)} title="The tokens could not be refreshed." /> : null}
        <TokenTable
          tokens={rows}
          now={props.now}
          owners={owners}
          unitNames={unitNames}
          testId="all-tokens-table"
          onRevoked={(token) => {
            setNotice(`“${token.name}” of ${owners.get(token.userId) ?? 'its owner'} is revoked.`);
            void queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
          }}
        />
      </section>
    </>
  );
}
