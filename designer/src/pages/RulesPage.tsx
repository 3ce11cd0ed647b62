import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { ACTIVATE_RULE, CONVERT_TO_IOC, DELETE_RULE, DUPLICATE_RULE, IOC_RULES, PAUSE_RULE, RULES } from '../api/queries';
import type { TypedDocumentString } from '../api/generated/graphql';
import { nodesOf } from '../api/types';
import type { RuleOutcome, RuleStatus, RuleSummary, UserError } from '../api/types';
import { linkProps, navigate } from '../router';
import { useSession } from '../session';
import { CopyIcon, DeleteIcon, EditIcon } from '../components/icons';
import { ago, Confirm, Empty, ErrorBox, errorText, Loading, OutcomeBadge, outcomeLabel, StatusBadge, DataTable } from '../components/ui';

export function RulesPage() {
  const { can, toast, viewer } = useSession();
  const [tab, setTab] = useState<'rules' | 'ioc'>('rules');
  const [status, setStatus] = useState<RuleStatus | ''>('');
  const [outcome, setOutcome] = useState<RuleOutcome | ''>('');
  const [text, setText] = useState('');
  const where = { ...(status ? { status } : {}), ...(outcome ? { outcome } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
  const { data, error, loading, reload } = useQuery(RULES, { where });
  const [deleting, setDeleting] = useState<RuleSummary | null>(null);
  const author = can('RuleAuthor');
  const orgName = (id: string) => viewer.organizations.find((o) => o.id === id)?.name ?? id;

  const act = async <K extends string, T extends Record<K, { errors: UserError[] }>, I>(
    label: string,
    query: TypedDocumentString<T, { input: I }>,
    field: K,
    input: I,
  ) => {
    const r = await mutate(query, input, field);
    if (r.errors.length) toast(errorText(r.errors), 'error');
    else toast(label);
    await reload();
    return r;
  };

  const activateFromList = async (r: RuleSummary) => {
    const result = await mutate(ACTIVATE_RULE, { id: r.id }, 'activateRule');
    if (result.errors.length) toast(errorText(result.errors), 'error');
    else toast(result.approvalRequest ? `“${r.name}” waits for a second person to approve its activation` : `Activated “${r.name}”`);
    await reload();
  };

  const rules = nodesOf(data?.rules);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Rules</h1>
          <p className="muted">What happens after detection: alert only, manual approval, or automatic response.</p>
        </div>
        {author && (
          <button className="btn primary" onClick={() => navigate('/rules/new')}>
            Create Rule
          </button>
        )}
      </div>
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'rules'} onClick={() => setTab('rules')}>
          Respond rules
        </button>
        <button role="tab" aria-selected={tab === 'ioc'} onClick={() => setTab('ioc')}>
          IOC rules
        </button>
      </div>
      {tab === 'ioc' ? (
        <IocRules />
      ) : (
        <>
          <div className="filters">
            <label>
              Search
              <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name or description" />
            </label>
            <label>
              Status
              <select value={status} onChange={(e) => setStatus(e.target.value as RuleStatus | '')}>
                <option value="">All</option>
                <option value="ACTIVE">Active</option>
                <option value="PAUSED">Paused</option>
                <option value="DRAFT">Draft</option>
              </select>
            </label>
            <label>
              Outcome
              <select value={outcome} onChange={(e) => setOutcome(e.target.value as RuleOutcome | '')}>
                <option value="">All</option>
                {Object.entries(outcomeLabel).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ErrorBox error={error} onRetry={() => void reload()} />
          {loading && !data ? (
            <Loading />
          ) : rules.length === 0 ? (
            <Empty title={Object.keys(where).length ? 'No rule matches these filters' : 'No rules yet'}>
              {author && !Object.keys(where).length && (
                <p>
                  Create a rule, or start from a <a {...linkProps('/templates')}>community template</a>.
                </p>
              )}
            </Empty>
          ) : (
            <DataTable columns={['Name', 'Status', 'Outcome', 'Scope', 'Last change', { hidden: 'Actions' }]}>
              {rules.map((r) => (
                <tr key={r.id} data-rule={r.id}>
                  <td>
                    <a {...linkProps(`/rules/${r.id}`)}>
                      <strong>{r.name}</strong>
                    </a>
                    {!r.isValid && (
                      <span className="badge danger plain" style={{ marginLeft: 6 }}>
                        needs fixes
                      </span>
                    )}
                    <div className="muted small">{r.description}</div>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                    {r.pendingActivation && (
                      <div>
                        <span
                          className="badge warn plain"
                          title={`Version ${r.pendingActivation.ruleVersion} waits for a second person's approval`}
                        >
                          awaiting approval
                        </span>
                      </div>
                    )}
                  </td>
                  <td>
                    <OutcomeBadge outcome={r.outcome} />
                  </td>
                  <td className="small">{r.organizationIds.length ? r.organizationIds.map(orgName).join(', ') : 'All organizations'}</td>
                  <td className="small">
                    {ago(r.updatedAt)}
                    <div className="muted">{r.updatedBy ?? r.createdBy}</div>
                  </td>
                  <td>
                    <div className="row" style={{ justifyContent: 'flex-end' }}>
                      {author ? (
                        <button
                          className="btn small icon-btn"
                          title="Edit"
                          aria-label={`Edit ${r.name}`}
                          onClick={() => navigate(`/rules/${r.id}`)}
                        >
                          <EditIcon />
                        </button>
                      ) : (
                        <button className="btn small" onClick={() => navigate(`/rules/${r.id}`)} aria-label={`View ${r.name}`}>
                          View
                        </button>
                      )}
                      {author && (
                        <>
                          <button
                            className="btn small icon-btn"
                            title="Duplicate"
                            aria-label={`Duplicate ${r.name}`}
                            onClick={() => void act('Rule duplicated', DUPLICATE_RULE, 'duplicateRule', { id: r.id })}
                          >
                            <CopyIcon />
                          </button>
                          {r.status === 'ACTIVE' ? (
                            <button
                              className="btn small"
                              onClick={() => void act(`Paused “${r.name}”`, PAUSE_RULE, 'pauseRule', { id: r.id })}
                            >
                              Pause
                            </button>
                          ) : r.pendingActivation ? (
                            <button
                              className="btn small"
                              onClick={() => void act(`Activation of “${r.name}” withdrawn`, PAUSE_RULE, 'pauseRule', { id: r.id })}
                            >
                              Withdraw activation
                            </button>
                          ) : (
                            <button className="btn small" disabled={!r.isValid} onClick={() => void activateFromList(r)}>
                              Activate
                            </button>
                          )}
                          <button
                            className="btn small"
                            onClick={() => void act('IOC rule created', CONVERT_TO_IOC, 'convertRuleToIoc', { id: r.id })}
                          >
                            Convert to IOC
                          </button>
                          <button
                            className="btn small danger icon-btn"
                            title="Delete"
                            aria-label={`Delete ${r.name}`}
                            onClick={() => setDeleting(r)}
                          >
                            <DeleteIcon />
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}
      <Confirm
        open={!!deleting}
        danger
        title="Delete this rule?"
        confirm="Delete"
        onCancel={() => setDeleting(null)}
        body={<p>“{deleting?.name}” stops evaluating events and is removed. Its alerts and audit entries stay.</p>}
        onConfirm={() => {
          const r = deleting!;
          setDeleting(null);
          void act(`Deleted “${r.name}”`, DELETE_RULE, 'deleteRule', { id: r.id, expectedVersion: r.version });
        }}
      />
    </div>
  );
}

function IocRules() {
  const { data, error } = useQuery(IOC_RULES);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  if (!data.iocRules.length)
    return <Empty title="No IOC rules">Use “Convert to IOC” on a rule to flag its indicators for investigation.</Empty>;
  return (
    <DataTable columns={['Name', 'From rule', 'Indicators', 'Created']}>
      {data.iocRules.map((r) => (
        <tr key={r.id}>
          <td>{r.name}</td>
          <td>
            <a {...linkProps(`/rules/${r.sourceRuleId}`)}>{r.sourceRuleId}</a> v{r.sourceRuleVersion}
          </td>
          <td className="small mono">{[...r.ips, ...r.hashes, ...r.domains, ...r.processNames].slice(0, 6).join(', ') || '—'}</td>
          <td className="small">
            {ago(r.createdAt)} · {r.createdBy}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
