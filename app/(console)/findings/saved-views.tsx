'use client';

import { useEffect, useState, type FormEvent } from 'react';

interface SavedView {
  name: string;
  /** The list's URL query (filters, sort, page size). */
  query: string;
}

const MAX_VIEWS = 30;
const storageKey = (userId: string) => `vigil.findings.views.${userId}`;

function readViews(userId: string): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(storageKey(userId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((view): view is SavedView => typeof view?.name === 'string' && typeof view?.query === 'string').slice(0, MAX_VIEWS) : [];
  } catch {
    return [];
  }
}

/**
 * Named views of the list (its URL query without the page), kept in this browser's local storage under the
 * signed-in user's id — not on the server, so they do not follow the user to another browser.
 */
export function SavedViews(props: { userId: string; query: string; onOpen: (query: string) => void }) {
  const [views, setViews] = useState<SavedView[]>([]);
  const [naming, setNaming] = useState(false);
  useEffect(() => setViews(readViews(props.userId)), [props.userId]);
  const store = (next: SavedView[]) => {
    setViews(next);
    window.localStorage.setItem(storageKey(props.userId), JSON.stringify(next));
  };
  const current = views.find((view) => view.query === props.query);
  const onSave = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '')
      .trim()
      .slice(0, 60);
    if (!name) return;
    store([{ name, query: props.query }, ...views.filter((view) => view.name !== name)].slice(0, MAX_VIEWS));
    setNaming(false);
  };

  return (
    <div className="fd-views" data-testid="findings-views">
      <label className="ui-page-size">
        Saved view
        <select
          className="ui-select"
          value={current?.name ?? ''}
          onChange={(event) => {
            const view = views.find((candidate) => candidate.name === event.currentTarget.value);
            if (view) props.onOpen(view.query);
          }}
          data-testid="findings-view-select"
        >
          <option value="">{views.length === 0 ? 'None saved yet' : current ? current.name : '—'}</option>
          {views.map((view) => (
            <option key={view.name} value={view.name}>
              {view.name}
            </option>
          ))}
        </select>
      </label>
      {naming ? (
        <form className="fd-views-form" onSubmit={onSave}>
          <input name="name" className="ui-input" placeholder="Name of this view" maxLength={60} autoFocus aria-label="Name of this view" data-testid="findings-view-name" />
          <button type="submit" className="button ui-small-button ui-primary" data-testid="findings-view-store">
            Save
          </button>
          <button type="button" className="button ui-small-button" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="button ui-small-button" onClick={() => setNaming(true)} data-testid="findings-view-save">
          Save view…
        </button>
      )}
      {current ? (
        <button type="button" className="button ui-small-button" onClick={() => store(views.filter((view) => view !== current))} data-testid="findings-view-delete">
          Delete “{current.name}”
        </button>
      ) : null}
      <span className="ui-hint">Kept in this browser only, for your account.</span>
    </div>
  );
}
