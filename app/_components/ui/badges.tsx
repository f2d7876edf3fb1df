/** A role, coloured by how much it may do. */
export function RoleBadge({ role, testId }: { role: string; testId?: string }) {
  return (
    <span className={`ui-role ui-role-${role}`} data-testid={testId} data-role={role}>
      {role}
    </span>
  );
}

export function Badge({ tone, children, testId, title }: { tone?: 'ok' | 'warn' | 'danger' | 'accent'; children: React.ReactNode; testId?: string; title?: string }) {
  return (
    <span className={tone ? `ui-badge ui-badge-${tone}` : 'ui-badge'} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
