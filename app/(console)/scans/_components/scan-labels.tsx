import { Badge } from '../../../_components/ui/badges';

export type RunStatus = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';

const RUN_TONE: Record<RunStatus, 'ok' | 'warn' | 'danger' | 'accent' | undefined> = {
  running: 'accent',
  paused: 'warn',
  cancelled: undefined,
  completed: 'ok',
  failed: 'danger',
};

/** A run's state as a badge; `data-status` carries the raw value for tests and styling. */
export function RunStatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <Badge tone={RUN_TONE[status]}>{status}</Badge>
    </span>
  );
}

export const PROFILE_LABEL: Record<string, string> = {
  discovery: 'Discovery',
  services: 'Services',
  inventory: 'Authenticated inventory',
};

export const PROFILE_DESCRIPTION: Record<string, string> = {
  discovery: 'which hosts answer',
  services: 'open ports, service and version, TLS and HTTP details',
  inventory: 'services, then packages over SSH with the credential',
};
