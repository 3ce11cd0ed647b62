import { useQuery } from '../api/hooks';
import { SETUP_CHECKLIST } from '../api/queries';
import { setupStepPage } from '../labels';
import { linkProps } from '../router';

/** A new administrator's first steps (turn on, connect, first rule, an approver), each ticked from what exists now. */
export function SetupChecklist() {
  const { data } = useQuery(SETUP_CHECKLIST);
  const items = data?.setupChecklist ?? [];
  if (items.length === 0 || items.every((i) => i.done)) return null;
  return (
    <section className="card stack setup-checklist" aria-labelledby="setup-title" data-testid="setup-checklist">
      <h2 id="setup-title">
        Get started · {items.filter((i) => i.done).length} of {items.length} done
      </h2>
      <ol className="stack" style={{ gap: 6, paddingLeft: 18, margin: 0 }}>
        {items.map((i) => (
          <li key={i.step} data-step={i.step} data-done={i.done}>
            {i.done ? (
              <span>
                <s>{i.title}</s> <span className="badge ok">Done</span>
              </span>
            ) : (
              <a {...linkProps(setupStepPage[i.step])}>{i.title}</a>
            )}
            <div className="small muted">{i.detail}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}
