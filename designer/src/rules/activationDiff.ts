// The server's ruleDiff of a RULE_ACTIVATION request (change control) as lines an approver reads. Pure.
import type { Json } from '../api/types';

export interface ActivationDiffLine {
  kind: 'field' | 'added' | 'removed' | 'changed' | 'edge-added' | 'edge-removed';
  text: string;
  detail?: string;
}

const obj = (v: Json | undefined): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

/** Lines of the diff: fields first, then nodes, then edges; a rule that never ran lists everything it would do. */
export function activationDiffLines(diff: Json | null | undefined): ActivationDiffLine[] {
  const d = obj(diff ?? undefined);
  const lines: ActivationDiffLine[] = [];
  for (const f of list(d.fields).map(obj)) {
    const before = f.before === null || f.before === undefined ? '—' : str(f.before);
    lines.push({ kind: 'field', text: `${str(f.field)}: ${before} → ${str(f.after)}` });
  }
  for (const n of list(d.nodes).map(obj)) {
    const change = str(n.change);
    const kind = change === 'added' || change === 'removed' ? change : 'changed';
    const config = kind === 'removed' ? n.configBefore : n.configAfter;
    const detail =
      kind === 'changed'
        ? `${str(n.configBefore)} → ${str(n.configAfter)}`
        : config === null || config === undefined
          ? undefined
          : str(config);
    lines.push({ kind, text: `${kind} ${str(n.nodeId)} (${str(n.type)})`, detail });
  }
  for (const e of list(d.edgesAdded)) lines.push({ kind: 'edge-added', text: `edge added ${str(e)}` });
  for (const e of list(d.edgesRemoved)) lines.push({ kind: 'edge-removed', text: `edge removed ${str(e)}` });
  return lines;
}

/** "Version 3 → 5" or "Version 5 (not running yet)". */
export function activationDiffTitle(diff: Json | null | undefined): string {
  const d = obj(diff ?? undefined);
  const proposed = typeof d.proposedVersion === 'number' ? d.proposedVersion : null;
  const running = typeof d.runningVersion === 'number' ? d.runningVersion : null;
  if (proposed === null) return 'Changes';
  return running === null ? `Version ${proposed} (the rule does not run yet)` : `Version ${running} (running) → ${proposed}`;
}
