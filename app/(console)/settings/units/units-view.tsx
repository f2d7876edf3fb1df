'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Dialog } from '../../../_components/ui/dialog';
import { ConfirmDialog, FormActions, Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { formatDay } from '../../../_components/ui/format';
import { unitOptions, unitTree } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { ActionsHeader } from '../../../_components/ui/table';

type Unit = RouterOutputs['units']['list']['items'][number];

type Open = { kind: 'create'; parentId: string } | { kind: 'edit'; unit: Unit } | { kind: 'delete'; unit: Unit } | null;

/** Tree guides like `├─ ` and `└─ ` in front of a unit's name. */
function guide(last: boolean[]): string {
  return last
    .slice(1)
    .map((isLast, index, all) => (index === all.length - 1 ? (isLast ? '└─ ' : '├─ ') : isLast ? '   ' : '│  '))
    .join('');
}

export function UnitsView({ initialUnits, canManage }: { initialUnits: Unit[]; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const units = useQuery({ ...trpc.units.list.queryOptions(), initialData: { items: initialUnits } });
  const items = useMemo(() => units.data?.items ?? [], [units.data]);
  const tree = useMemo(() => unitTree(items), [items]);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (message: string) => {
    setOpen(null);
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: trpc.units.list.queryKey() });
  };
  const names = new Map(items.map((unit) => [unit.id, unit.name]));

  return (
    <>
      <Notice notice={notice} testId="units-notice" />
      <section className="card ui-card" aria-labelledby="units-title" aria-busy={units.isFetching} data-testid="units">
        <header className="ui-card-header">
          <h2 id="units-title">
            <span data-testid="units-total">{items.length}</span> business {items.length === 1 ? 'unit' : 'units'}
          </h2>
          <p className="ui-card-note">Assets, credentials, scans and findings belong to a unit; users see their unit and everything below it.</p>
          {canManage && tree[0] ? (
            <div className="card-actions">
              <button type="button" className="button ui-primary" onClick={() => setOpen({ kind: 'create', parentId: tree[0]!.unit.id })} data-testid="unit-create-open">
                New unit
              </button>
            </div>
          ) : null}
        </header>
        {units.error ? <ErrorAlert error={toUiError(units.error)} title="The units could not be refreshed." /> : null}
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="units-table">
            <caption className="ui-sr-only">Business units as a tree: each unit below its parent.</caption>
            <thead>
              <tr>
                <th scope="col">Unit</th>
                <th scope="col">Description</th>
                <th scope="col">Parent</th>
                <th scope="col">Created</th>
                {canManage ? (
                  <ActionsHeader />
                ) : null}
              </tr>
            </thead>
            <tbody>
              {tree.map(({ unit, depth, last }) => (
                <tr key={unit.id} data-testid="unit-row" data-unit={unit.id} data-depth={depth} aria-level={depth + 1}>
                  <th scope="row">
                    <span className="ui-tree-name">
                      {depth > 0 ? (
                        <span className="ui-tree-guide" aria-hidden="true">
                          {guide(last)}
                        </span>
                      ) : null}
                      <span data-testid="unit-name">{unit.name}</span>
                    </span>
                  </th>
                  <td className="ui-muted">{unit.description || '—'}</td>
                  <td>{unit.parentId ? (names.get(unit.parentId) ?? <span className="ui-mono">{unit.parentId}</span>) : <span className="ui-muted">top</span>}</td>
                  <td className="ui-nowrap ui-mono">{formatDay(unit.createdAt)}</td>
                  {canManage ? (
                    <td className="ui-actions">
                      <button type="button" className="button ui-small-button" onClick={() => setOpen({ kind: 'create', parentId: unit.id })} aria-label={`Add a unit below ${unit.name}`} data-testid="unit-add-child">
                        Add below
                      </button>
                      <button type="button" className="button ui-small-button" onClick={() => setOpen({ kind: 'edit', unit })} aria-label={`Rename or move ${unit.name}`} data-testid="unit-edit-open">
                        Edit
                      </button>
                      {unit.parentId ? (
                        <button type="button" className="button ui-small-button ui-danger" onClick={() => setOpen({ kind: 'delete', unit })} aria-label={`Delete ${unit.name}`} data-testid="unit-delete-open">
                          Delete
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {open?.kind === 'create' ? <UnitFormDialog units={items} parentId={open.parentId} onClose={() => setOpen(null)} onDone={(unit) => done(`“${unit.name}” is created.`)} /> : null}
      {open?.kind === 'edit' ? <UnitFormDialog units={items} unit={open.unit} onClose={() => setOpen(null)} onDone={(unit) => done(`“${unit.name}” is saved.`)} /> : null}
      {open?.kind === 'delete' ? <DeleteUnitDialog unit={open.unit} onClose={() => setOpen(null)} onDone={() => done(`“${open.unit.name}” is deleted.`)} /> : null}
    </>
  );
}

/** Creates a unit (below `parentId`), or renames, re-describes and moves an existing one. */
function UnitFormDialog(props: { units: Unit[]; unit?: Unit; parentId?: string; onClose: () => void; onDone: (unit: Unit) => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.units.create.mutationOptions());
  const update = useMutation(trpc.units.update.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const editing = props.unit;
  // A unit cannot move below itself or below one of its own descendants.
  const parents = props.units.filter((u) => !editing || (u.id !== editing.id && !u.ancestors.includes(editing.id)));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const description = String(form.get('description') ?? '').trim();
    const parentId = String(form.get('parentId') ?? '');
    setError(null);
    const onError = (cause: unknown) => setError(toUiError(cause));
    if (!editing) {
      create.mutate({ name, description, parentId }, { onSuccess: props.onDone, onError });
      return;
    }
    const changes: { name?: string; description?: string; parentId?: string } = {};
    if (name !== editing.name) changes.name = name;
    if (description !== editing.description) changes.description = description;
    if (editing.parentId && parentId && parentId !== editing.parentId) changes.parentId = parentId;
    if (Object.keys(changes).length === 0) return props.onClose();
    update.mutate({ id: editing.id, ...changes }, { onSuccess: props.onDone, onError });
  };
  const pending = create.isPending || update.isPending;
  return (
    <Dialog
      title={editing ? `Edit “${editing.name}”` : 'New business unit'}
      description={editing ? 'Moving a unit moves everything below it, and the records that belong to it.' : undefined}
      onClose={props.onClose}
      testId="unit-dialog"
    >
      <form className="ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title={editing ? 'The unit was not saved.' : 'The unit was not created.'} testId="unit-error" />
        <div className="ui-field">
          <label htmlFor="unit-name">Name</label>
          <input id="unit-name" name="name" className="ui-input" defaultValue={editing?.name ?? ''} required maxLength={120} autoFocus data-testid="unit-name-input" />
          {fieldError(error, 'name') ? <span className="ui-field-error">{fieldError(error, 'name')}</span> : null}
        </div>
        <div className="ui-field">
          <label htmlFor="unit-description">Description</label>
          <input id="unit-description" name="description" className="ui-input" defaultValue={editing?.description ?? ''} maxLength={500} data-testid="unit-description-input" />
        </div>
        <div className="ui-field">
          <label htmlFor="unit-parent">Parent unit</label>
          <select
            id="unit-parent"
            name="parentId"
            className="ui-select"
            defaultValue={editing?.parentId ?? props.parentId}
            disabled={Boolean(editing && !editing.parentId)}
            data-testid="unit-parent-input"
          >
            {unitOptions(parents).map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
          {editing && !editing.parentId ? <span className="ui-hint">The top unit stays at the top.</span> : null}
        </div>
        <FormActions pending={pending} label={editing ? 'Save' : 'Create unit'} onCancel={props.onClose} testId="unit-submit" />
      </form>
    </Dialog>
  );
}

function DeleteUnitDialog(props: { unit: Unit; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.units.delete.mutationOptions());
  return (
    <ConfirmDialog
      title={`Delete “${props.unit.name}”?`}
      description="Only an empty unit can be deleted: move or delete its units, users and records first."
      confirmLabel="Delete unit"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      error={remove.error}
      errorTitle="The unit was not deleted."
      onConfirm={() => remove.mutate({ id: props.unit.id }, { onSuccess: props.onDone })}
      onClose={props.onClose}
      testId="unit-delete"
    >
      <p>The deletion is recorded in the audit log.</p>
    </ConfirmDialog>
  );
}
