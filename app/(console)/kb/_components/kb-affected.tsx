import { Fragment } from 'react';
import { ECOSYSTEM_LABEL } from './kb-format';
import { SourceTag, StatusTag } from './kb-badges';
import type { KbAffected, KbEcosystem } from './kb-types';

type Range = NonNullable<KbAffected['ranges']>[number];

const OPEN_START = new Set(['0', '0.0.0', '0.0.0-0', '']);

/** "≥ 8.5, < 9.8", "> 1.0 … ≤ 4.3", "all versions". */
export function formatRange(range: Range): string {
  const parts: string[] = [];
  if (range.introduced !== undefined && !OPEN_START.has(range.introduced)) parts.push(`${range.introducedExclusive ? '>' : '≥'} ${range.introduced}`);
  if (range.fixed) parts.push(`< ${range.fixed}`);
  if (range.lastAffected) parts.push(`≤ ${range.lastAffected}`);
  return parts.length > 0 ? parts.join(', ') : 'all versions';
}

const DISTRO_LABEL: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  alpine: 'Alpine',
  almalinux: 'AlmaLinux',
  rhel: 'Red Hat Enterprise Linux',
  redhat: 'Red Hat',
  rocky: 'Rocky Linux',
};

const capitalise = (value: string) => (value ? value[0]!.toUpperCase() + value.slice(1) : value);

interface Group {
  key: string;
  label: string;
  detail: string;
  order: number;
  entries: KbAffected[];
}

function groupOf(entry: KbAffected): Omit<Group, 'entries'> {
  const ecosystem = ECOSYSTEM_LABEL[entry.ecosystem as KbEcosystem] ?? entry.ecosystem;
  if (entry.distro) {
    const distro = DISTRO_LABEL[entry.distro.toLowerCase()] ?? capitalise(entry.distro);
    const release = entry.release ?? 'all releases';
    const repository = entry.repository ? ` · ${entry.repository}` : '';
    return { key: `d:${entry.distro}:${entry.release ?? ''}:${entry.repository ?? ''}`, label: `${distro} ${release}`, detail: `${entry.ecosystem} packages${repository}`, order: 0 };
  }
  if (entry.ecosystem === 'cpe') return { key: 'cpe', label: 'Products (CPE)', detail: 'NVD configurations', order: 2 };
  return { key: `e:${entry.ecosystem}`, label: ecosystem, detail: 'packages', order: 1 };
}

/** Affected packages per ecosystem / distribution / release. */
export function groupAffected(affected: KbAffected[]): Group[] {
  const groups = new Map<string, Group>();
  for (const entry of affected) {
    const meta = groupOf(entry);
    const group = groups.get(meta.key) ?? { ...meta, entries: [] };
    group.entries.push(entry);
    groups.set(meta.key, group);
  }
  return [...groups.values()].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label, 'en'));
}

function Versions({ entry }: { entry: KbAffected }) {
  const ranges = entry.ranges ?? [];
  if (ranges.length > 0) {
    return (
      <ul className="kb-ranges">
        {ranges.map((range, index) => (
          <li key={index}>
            {/* Wraps between bounds, never inside one. */}
            {formatRange(range)
              .split(', ')
              .map((bound, i) => (
                <Fragment key={i}>
                  {i > 0 ? ', ' : null}
                  <span className="ui-nowrap">{bound}</span>
                </Fragment>
              ))}
          </li>
        ))}
      </ul>
    );
  }
  if (entry.versions && entry.versions.length > 0) {
    const shown = entry.versions.slice(0, 6).join(', ');
    return <span title={entry.versions.join(', ')}>{entry.versions.length > 6 ? `${shown} … (${entry.versions.length} versions)` : shown}</span>;
  }
  if (entry.status === 'fixed' && entry.fixedVersion) return <span className="ui-muted">&lt; {entry.fixedVersion}</span>;
  return <span className="ui-muted">—</span>;
}

function FixedIn({ entry }: { entry: KbAffected }) {
  if (entry.status === 'not-affected') return <span className="ui-muted">—</span>;
  const fixed = entry.fixedVersion ? [entry.fixedVersion] : (entry.ranges ?? []).map((range) => range.fixed).filter((v): v is string => Boolean(v));
  if (fixed.length > 0) return <span className="ui-mono kb-fixed">{[...new Set(fixed)].join(', ')}</span>;
  // NVD configurations say which versions are vulnerable, not whether a fix exists.
  if (entry.status === 'unfixed' && entry.ecosystem !== 'cpe') return <span className="kb-nofix">no fix yet</span>;
  return <span className="ui-muted">—</span>;
}

export function AffectedPackages({ affected }: { affected: KbAffected[] }) {
  const groups = groupAffected(affected);
  if (groups.length === 0) return <p className="ui-muted kb-pad">No affected packages or products are known.</p>;
  return (
    <div className="kb-affected" data-testid="kb-affected">
      {groups.map((group) => (
        <section key={group.key} className="kb-affected-group" aria-label={group.label} data-testid="kb-affected-group" data-group={group.key}>
          <h4 className="kb-affected-title">
            {group.label}
            <span className="kb-affected-detail">{group.detail}</span>
            <span className="kb-affected-count">{group.entries.length}</span>
          </h4>
          <table className="ui-table kb-table kb-table-compact">
            <colgroup>
              <col className="kb-c-package" />
              <col className="kb-c-status" />
              <col className="kb-c-affected" />
              <col className="kb-c-fixed" />
              <col className="kb-c-advisory" />
              <col className="kb-c-source" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Package</th>
                <th scope="col">Status</th>
                <th scope="col">Affected</th>
                <th scope="col">Fixed in</th>
                <th scope="col">Advisory</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {group.entries.map((entry, index) => (
                <tr key={`${entry.source}:${entry.package}:${index}`} data-testid="kb-affected-row">
                  <td>
                    <span className="ui-mono kb-package">{entry.package}</span>
                    {entry.sourcePackage ? (
                      <span className="kb-tag" title="A source package: binary packages built from it are affected">
                        source
                      </span>
                    ) : null}
                    {entry.cpe ? <span className="kb-cpe ui-mono">{entry.cpe}</span> : null}
                  </td>
                  <td>
                    {entry.ecosystem === 'cpe' ? (
                      // A CPE match is a vulnerable product, or a platform the configuration requires.
                      <StatusTag status={entry.vulnerable === false ? 'platform' : 'vulnerable'} />
                    ) : (
                      <StatusTag status={entry.status} />
                    )}
                  </td>
                  <td className="ui-mono">
                    <Versions entry={entry} />
                  </td>
                  <td>
                    <FixedIn entry={entry} />
                  </td>
                  <td className="ui-mono">{entry.advisory ?? <span className="ui-muted">—</span>}</td>
                  <td>
                    <SourceTag source={entry.source} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
