'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../_components/ui/dialog';
import { FormActions } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { FieldError } from '../../_components/ui/field-error';
import { fieldError, toUiError, type UiError } from '../../_components/ui/errors';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { PROFILE_DESCRIPTION, PROFILE_LABEL } from './_components/scan-labels';

type Credential = RouterOutputs['credentials']['list']['items'][number];
type Profile = 'discovery' | 'services' | 'inventory';

/** Entries typed one per line or separated by commas or spaces. */
function entries(value: FormDataEntryValue | null): string[] {
  return String(value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Text fields are checked by the server (the same rules as the CLI); its messages appear under each field. */
export function ScanCreateDialog(props: { credentials: readonly Credential[]; onClose: () => void; onCreated: (scan: { name: string }) => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.scans.create.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const profile = String(form.get('profile') ?? '');
    const credential = String(form.get('credential') ?? '');
    const schedule = String(form.get('schedule') ?? '').trim();
    setError(null);
    create.mutate(
      {
        name: String(form.get('name') ?? ''),
        targets: entries(form.get('targets')),
        exclusions: entries(form.get('exclusions')),
        ports: String(form.get('ports') ?? ''),
        ...(profile ? { profile: profile as Profile } : {}),
        ...(credential ? { credential } : {}),
        ...(schedule ? { schedule } : {}),
      },
      { onSuccess: (scan) => props.onCreated(scan), onError: (cause) => setError(toUiError(cause)) },
    );
  };

  const invalid = (field: string) => (fieldError(error, field) ? true : undefined);
  // Field messages stand under their fields; the alert above only points at them.
  const alert = error?.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? { ...error, message: 'Correct the fields marked below.' } : error;
  const describedBy = (field: string, hint = false) => [hint ? `scan-${field}-hint` : null, `scan-${field}-error`].filter(Boolean).join(' ');

  return (
    <Dialog title="New scan" description="What to scan and how. Launch it from the list, or let its schedule launch it." onClose={props.onClose} wide testId="scan-create-dialog">
      <form className="ui-form" onSubmit={onSubmit} noValidate data-testid="scan-create-form">
        <ErrorAlert error={alert} title="The scan was not created." testId="scan-create-error" />
        <div className="ui-field">
          <label htmlFor="scan-name">Name</label>
          <input id="scan-name" name="name" className="ui-input" maxLength={128} required autoFocus autoComplete="off" aria-invalid={invalid('name')} aria-describedby={describedBy('name')} data-testid="scan-name" />
          <FieldError error={error} field="name" id="scan-name-error" />
        </div>
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-targets">Targets</label>
            <textarea id="scan-targets" name="targets" className="ui-textarea" rows={3} placeholder="127.0.0.1-20, host.example" spellCheck={false} aria-invalid={invalid('targets')} aria-describedby={describedBy('targets', true)} data-testid="scan-targets" />
            <span id="scan-targets-hint" className="ui-hint">
              Addresses, ranges, CIDR blocks or host names; one per line or separated by commas.
            </span>
            <FieldError error={error} field="targets" id="scan-targets-error" />
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-exclusions">Exclusions</label>
            <textarea id="scan-exclusions" name="exclusions" className="ui-textarea" rows={3} placeholder="127.0.0.5" spellCheck={false} aria-invalid={invalid('exclusions')} aria-describedby={describedBy('exclusions', true)} data-testid="scan-exclusions" />
            <span id="scan-exclusions-hint" className="ui-hint">
              Never touched, whatever the targets say.
            </span>
            <FieldError error={error} field="exclusions" id="scan-exclusions-error" />
          </div>
        </div>
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-ports">Ports</label>
            <input id="scan-ports" name="ports" className="ui-input" defaultValue="top100" spellCheck={false} autoComplete="off" aria-invalid={invalid('ports')} aria-describedby={describedBy('ports', true)} data-testid="scan-ports" />
            <span id="scan-ports-hint" className="ui-hint">
              TCP ports and ranges, e.g. <code>22,80,443,8000-8100</code>; <code>top100</code> is nmap’s most common hundred.
            </span>
            <FieldError error={error} field="ports" id="scan-ports-error" />
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-schedule">Schedule</label>
            <input id="scan-schedule" name="schedule" className="ui-input" placeholder="0 2 * * *" spellCheck={false} autoComplete="off" aria-invalid={invalid('schedule')} aria-describedby={describedBy('schedule', true)} data-testid="scan-schedule" />
            <span id="scan-schedule-hint" className="ui-hint">
              Five-field cron (minute hour day month weekday). Empty: launched by hand only.
            </span>
            <FieldError error={error} field="schedule" id="scan-schedule-error" />
          </div>
        </div>
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-credential">Credential</label>
            <select id="scan-credential" name="credential" className="ui-select" defaultValue="" aria-invalid={invalid('credential')} aria-describedby={describedBy('credential')} data-testid="scan-credential">
              <option value="">None — unauthenticated</option>
              {props.credentials.map((credential) => (
                <option key={credential.id} value={credential.name}>
                  {credential.name} ({credential.username}
                  {credential.sudo ? ', sudo' : ''})
                </option>
              ))}
            </select>
            <FieldError error={error} field="credential" id="scan-credential-error" />
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="scan-profile">Profile</label>
            <select id="scan-profile" name="profile" className="ui-select" defaultValue="" aria-invalid={invalid('profile')} aria-describedby={describedBy('profile', true)} data-testid="scan-profile">
              <option value="">Automatic</option>
              {Object.entries(PROFILE_LABEL).map(([profile, label]) => (
                <option key={profile} value={profile} title={PROFILE_DESCRIPTION[profile]}>
                  {label}
                </option>
              ))}
            </select>
            <span id="scan-profile-hint" className="ui-hint">
              Automatic: an authenticated inventory with a credential, a services scan without.
            </span>
            <FieldError error={error} field="profile" id="scan-profile-error" />
          </div>
        </div>
        <FormActions pending={create.isPending} label="Create scan" pendingLabel="Creating…" onCancel={props.onClose} testId="scan-create-submit" />
      </form>
    </Dialog>
  );
}
