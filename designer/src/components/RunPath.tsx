import type { PathStep } from '../api/types';
import { describeStepDetail } from '../rules/pathDetail';

/** The path a run took, block by block, with each condition's compared values (the test panel and the alert detail). */
export function RunPath(props: { steps: PathStep[]; blockName?: (step: PathStep) => string }) {
  return (
    <ol className="path-list run-path" data-testid="run-path">
      {props.steps.map((s, i) => {
        const detail = describeStepDetail(s.detail);
        return (
          <li key={i} data-step={s.nodeId}>
            <div>
              <strong>{props.blockName?.(s) ?? s.nodeId}</strong> <span className="muted small">{s.blockType}</span>{' '}
              <span className="muted">{s.port ? `→ ${s.port}` : '(stopped)'}</span>
            </div>
            {detail.conditions.length > 0 && (
              <ul className="compared small">
                {detail.conditions.map((c, j) => (
                  <li key={j} data-result={c.result}>
                    <span className="mono">{c.field}</span> {c.op} <span className="mono">{c.expected}</span>: was{' '}
                    <span className="mono">{c.actual}</span> {c.result ? '(true)' : '(false)'}
                  </li>
                ))}
              </ul>
            )}
            {detail.facts.length > 0 && (
              <dl className="kv small">
                {detail.facts.map((f) => (
                  <div key={f.label} style={{ display: 'contents' }}>
                    <dt>{f.label}</dt>
                    <dd className="wrap-anywhere">{f.value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The engine's path JSON read as steps (anything else as none). */
export function pathStepsOf(path: unknown): PathStep[] {
  return Array.isArray(path) ? (path as PathStep[]) : [];
}
