import { activationDiffLines, activationDiffTitle } from '../rules/activationDiff';
import type { Json } from '../api/types';

/** What a RULE_ACTIVATION request would arm, as the approver and the author read it. */
export function RuleActivationDiff(props: { diff: Json | null }) {
  const lines = activationDiffLines(props.diff);
  return (
    <div className="stack" style={{ gap: 4 }} data-testid="rule-activation-diff">
      <strong className="small">{activationDiffTitle(props.diff)}</strong>
      {lines.length === 0 ? (
        <span className="muted small">No change to what runs.</span>
      ) : (
        <ul className="small" style={{ margin: 0, paddingLeft: 18 }}>
          {lines.map((l, i) => (
            <li key={i}>
              {l.text}
              {l.detail && (
                <div className="mono muted" style={{ wordBreak: 'break-all' }}>
                  {l.detail}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
