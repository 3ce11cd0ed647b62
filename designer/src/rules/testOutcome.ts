// What one tested event did, in words: the test panel labels each sample with it and opens the most telling one.
import type { Json, TestEventResult } from '../api/types';

const count = (v: Json) => (Array.isArray(v) ? v.length : 0);

export interface TestOutcome {
  label: string;
  tone: 'danger' | 'warn' | 'info' | 'plain';
  /** Higher is more telling: effects first, then how far along the rule the event went. */
  weight: number;
}

export function outcomeOf(r: TestEventResult): TestOutcome {
  if (r.error) return { label: 'Failed', tone: 'danger', weight: 4000 + r.path.length };
  const actions = count(r.actions),
    approvals = count(r.approvalRequests),
    alerts = count(r.alerts);
  if (approvals)
    return {
      label: approvals === 1 ? 'Approval requested' : `${approvals} approvals requested`,
      tone: 'warn',
      weight: 3000 + r.path.length,
    };
  if (actions) return { label: actions === 1 ? 'Action queued' : `${actions} actions queued`, tone: 'warn', weight: 3000 + r.path.length };
  if (alerts) return { label: alerts === 1 ? 'Alert raised' : `${alerts} alerts raised`, tone: 'info', weight: 2000 + r.path.length };
  if (!r.triggered) return { label: 'Not triggered', tone: 'plain', weight: 0 };
  const last = r.path[r.path.length - 1];
  return { label: last ? `Stopped at ${last.nodeId}` : 'Matched the trigger', tone: 'plain', weight: 1000 + r.path.length };
}

/** The result the panel shows first: the most telling one, the latest of equals. */
export function mostTelling(results: TestEventResult[]): TestEventResult | null {
  let best: TestEventResult | null = null;
  for (const r of results) if (!best || outcomeOf(r).weight >= outcomeOf(best).weight) best = r;
  return best;
}
