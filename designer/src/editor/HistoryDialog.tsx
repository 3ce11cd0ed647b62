import { useMemo, useState } from 'react';
import { useQuery } from '../api/hooks';
import { RULE_VERSIONS } from '../api/queries';
import type { ActivityDescriptor, Rule } from '../api/types';
import { parseDefinition, type RuleDefinition } from '../rules/definition';
import { diffDefinitions } from '../rules/diff';
import { ErrorBox, Loading, Modal, when, DataTable } from '../components/ui';

/** Version history with a visual diff between any two versions. */
export function HistoryDialog(props: {
  rule: Rule;
  catalog: ActivityDescriptor[];
  onClose: () => void;
  onRestore: (d: RuleDefinition) => void;
}) {
  const { data, error } = useQuery(RULE_VERSIONS, { id: props.rule.id });
  const versions = useMemo(() => [...(data?.rule?.versions ?? [])].sort((a, b) => b.version - a.version), [data]);
  const [picked, setPicked] = useState<number[]>([]);
  const pair =
    picked.length === 2 ? [...picked].sort((a, b) => a - b) : versions.length >= 2 ? [versions[1]!.version, versions[0]!.version] : null;
  const def = (v: number | undefined) => {
    const p = parseDefinition(versions.find((x) => x.version === v)?.definition);
    return 'definition' in p ? p.definition : { schemaVersion: 1, nodes: [], edges: [] };
  };
  const diff = pair ? diffDefinitions(def(pair[0]), def(pair[1])) : null;
  const names = new Map(props.catalog.map((b) => [b.id, b.displayName]));
  return (
    <Modal
      open
      wide
      title={`History of “${props.rule.name}”`}
      onClose={props.onClose}
      footer={
        <button className="btn" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <ErrorBox error={error} />
      {!data ? (
        <Loading />
      ) : (
        <div className="split">
          <div>
            <p className="muted small">Tick two versions to compare them.</p>
            <DataTable columns={[{ hidden: 'Compare' }, 'Version', 'Change', 'By', { hidden: 'Load' }]}>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare version ${v.version}`}
                      checked={picked.includes(v.version)}
                      onChange={() =>
                        setPicked((p) => (p.includes(v.version) ? p.filter((x) => x !== v.version) : [...p, v.version].slice(-2)))
                      }
                    />
                  </td>
                  <td>
                    v{v.version}
                    <div className="muted small">{when(v.changedAt)}</div>
                  </td>
                  <td>{v.change}</td>
                  <td>{v.changedBy}</td>
                  <td>
                    <button className="btn small" onClick={() => props.onRestore(def(v.version))}>
                      Load
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
          <div>
            {!pair || !diff ? (
              <p className="muted">Only one version so far.</p>
            ) : (
              <div className="stack">
                <h3>
                  v{pair[0]} → v{pair[1]}
                </h3>
                {diff.unchanged && <p className="muted">The graph is the same (the name, outcome or status changed).</p>}
                {diff.nodes.map((n) => (
                  <div
                    key={n.id}
                    className={`badge ${n.change === 'added' ? 'ok' : n.change === 'removed' ? 'danger' : 'warn'}`}
                    style={{ justifySelf: 'start' }}
                  >
                    {n.change === 'added' ? '+' : n.change === 'removed' ? '−' : '~'} {names.get(n.type) ?? n.type} <code>{n.id}</code>
                    {n.fields.length ? `: ${n.fields.join(', ')}` : ''}
                  </div>
                ))}
                {diff.edgesAdded.map((e) => (
                  <div key={`+${e}`} className="small" style={{ color: 'var(--ok)' }}>
                    + {e}
                  </div>
                ))}
                {diff.edgesRemoved.map((e) => (
                  <div key={`-${e}`} className="small" style={{ color: 'var(--danger)' }}>
                    − {e}
                  </div>
                ))}
              </div>
            )}
          </div>
        </div>
      )}
    </Modal>
  );
}
