import type { Metadata } from 'next';
import { Fragment } from 'react';
import { RoleBadge } from '../../../_components/ui/badges';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser, load } from '../../../_lib/server-caller';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Roles · Settings' };

/** What a permission's action means, for the matrix's row labels. */
const ACTION_LABEL: Record<string, string> = {
  manage: 'create, change, delete',
  remediate: 'record fixes',
  own: 'create and revoke their own',
};

/** Where an action means something narrower than its general label. */
const PERMISSION_LABEL: Record<string, string> = {
  'sessions:manage': 'see and end them',
  'settings:manage': 'change',
  'deployment:report': 'send the GitOps reports of the nodes',
};

const AREA_LABEL: Record<string, string> = {
  system: 'System',
  kb: 'KnowledgeBase',
  assets: 'Assets',
  scans: 'Scans',
  scanners: 'Scanner nodes',
  findings: 'Findings',
  credentials: 'Credentials',
  users: 'Users',
  units: 'Business units',
  sessions: 'Sessions (of other users)',
  tokens: 'API tokens',
  sso: 'Single sign-on',
  settings: 'Security settings',
  audit: 'Audit log',
  deployment: 'Deployment (GitOps)',
};

/** The permission matrix, read from the one place that defines it (roles.matrix). */
export default async function RolesPage() {
  const [me, matrix] = await Promise.all([currentUser(), load('roles', (caller) => caller.roles.matrix())]);
  if (matrix.error) return <ErrorAlert error={matrix.error} title="The roles could not be loaded." testId="roles-error" />;
  const { roles, permissions } = matrix.data;
  const myRole = me.data?.user.role;
  const areas = [...new Set(permissions.map((p) => p.area))];
  return (
    <>
      <section className="card ui-card" aria-labelledby="roles-title" data-testid="roles">
        <header className="ui-card-header">
          <h2 id="roles-title">Roles</h2>
          <p className="ui-card-note">Every role acts only within the user’s business units. Roles are fixed; assign them on the Users page.</p>
        </header>
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="roles-list">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">What it may do</th>
                <th scope="col" className="ui-num">
                  Permissions
                </th>
              </tr>
            </thead>
            <tbody>
              {roles.map((role) => (
                <tr key={role.id} data-testid="role-row" data-role={role.id}>
                  <th scope="row">
                    <RoleBadge role={role.id} />
                    {role.id === myRole ? <span className="ui-badge ui-badge-accent">your role</span> : null}
                  </th>
                  <td>{role.description}</td>
                  <td className="ui-num">
                    {role.permissions.length} of {permissions.length}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card ui-card" aria-labelledby="matrix-title" data-testid="roles-matrix">
        <header className="ui-card-header">
          <h2 id="matrix-title">Permission matrix</h2>
          <p className="ui-card-note">✓ granted · — not granted</p>
        </header>
        <div className="ui-table-wrap">
          <table className="ui-table ui-matrix">
            <caption className="ui-sr-only">Permissions (rows) granted to each role (columns).</caption>
            <colgroup>
              <col />
              {roles.map((role) => (
                <col key={role.id} className={role.id === myRole ? 'is-current-role' : undefined} />
              ))}
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Permission</th>
                {roles.map((role) => (
                  <th key={role.id} scope="col">
                    {role.id}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {areas.map((area) => (
                <Fragment key={area}>
                  <tr className="ui-group-row">
                    <th scope="colgroup" colSpan={roles.length + 1}>
                      {AREA_LABEL[area] ?? area}
                    </th>
                  </tr>
                  {permissions
                    .filter((p) => p.area === area)
                    .map((permission) => (
                      <tr key={permission.id} data-testid="matrix-row" data-permission={permission.id}>
                        <th scope="row" title={permission.id}>
                          {permission.id} <span className="ui-muted ui-small">{PERMISSION_LABEL[permission.id] ?? ACTION_LABEL[permission.action] ?? ''}</span>
                        </th>
                        {roles.map((role) => {
                          const granted = role.permissions.includes(permission.id);
                          return (
                            <td key={role.id} data-role={role.id} data-granted={granted}>
                              {granted ? (
                                <span className="ui-yes" aria-label="granted">
                                  ✓
                                </span>
                              ) : (
                                <span className="ui-no" aria-label="not granted">
                                  —
                                </span>
                              )}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
