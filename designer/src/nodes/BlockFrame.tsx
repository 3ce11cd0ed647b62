import { createContext, useContext, type ReactNode } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { ActivityDescriptor, Json, JsonObject, PathStep } from '../api/types';
import { textOf } from '../api/types';
import { CheckIcon, PauseIcon } from '../components/icons';
import type { BlockNode } from '../rules/definition';
import { describeDuration } from '../rules/configForm';
import type { NodeProblems } from '../rules/validation';

/** What the canvas knows beside each node's own data: its block, its problems, and the tested path. */
export interface CanvasView {
  catalog: Map<string, ActivityDescriptor>;
  problems: Map<string, NodeProblems>;
  path: Map<string, PathStep> | null;
}
export const CanvasContext = createContext<CanvasView>({ catalog: new Map(), problems: new Map(), path: null });

const categoryColor: Record<string, string> = {
  TRIGGER: 'var(--trigger)',
  CONDITION: 'var(--condition)',
  GATE: 'var(--gate)',
  ALERT: 'var(--alert)',
  ACTION: 'var(--action)',
  FLOW: 'var(--flow)',
};
export const colorOf = (category: string | undefined) => categoryColor[category ?? ''] ?? 'var(--muted)';

const list = (v: Json | undefined) => (Array.isArray(v) ? v.map(String).join(', ') : '');
const str = textOf;

/** One line that says what a configured block does. */
export function summarize(type: string, c: JsonObject): string {
  switch (type) {
    case 'trigger.event':
      return list(c.eventTypes) || 'No event types yet';
    case 'trigger.schedule':
      return str(c.cron) || 'No schedule yet';
    case 'condition.threshold':
      return c.count
        ? `${str(c.count)} in ${c.window ? describeDuration(str(c.window)) : '?'} per ${list(c.groupBy) || '?'}`
        : 'Count not set';
    case 'condition.match': {
      const n = (Array.isArray(c.all) ? c.all.length : 0) + (Array.isArray(c.any) ? c.any.length : 0);
      return n ? `${n} field condition${n === 1 ? '' : 's'}` : 'No conditions yet';
    }
    case 'condition.correlate':
      return `${Array.isArray(c.signals) ? c.signals.length : 0} signals within ${c.window ? describeDuration(str(c.window)) : '?'}`;
    case 'condition.activeHours':
      return str(c.timeZone) || 'No time zone yet';
    case 'condition.expression':
      return str(c.expression) || 'No expression yet';
    case 'gate.approval':
      return c.timeout ? `Expires after ${describeDuration(str(c.timeout))}` : 'Default timeout';
    case 'alert.create':
      return str(c.title) || 'No title yet';
    case 'flow.delay':
      return c.duration ? `Wait ${describeDuration(str(c.duration))}` : 'No duration yet';
    default: {
      const target =
        c.target && typeof c.target === 'object' && !Array.isArray(c.target) ? Object.values(c.target).map(String).join(', ') : '';
      return target ? `Target: ${target}` : 'Target from the event';
    }
  }
}

function detailText(step: PathStep): string {
  const d = step.detail;
  if (!d) return '';
  const parts: string[] = [];
  if (typeof d.count === 'number' && typeof d.required === 'number') parts.push(`${d.count}/${d.required}`);
  for (const [k, v] of Object.entries(d)) {
    if (['count', 'required', 'eventIds', 'proposedActions', 'expiresAt', 'window'].includes(k)) continue;
    parts.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' · ').slice(0, 140);
}

export function BlockFrame({ id, data, selected, children }: NodeProps<BlockNode> & { children?: ReactNode }) {
  const view = useContext(CanvasContext);
  const block = view.catalog.get(data.blockType);
  const problems = view.problems.get(id);
  const step = view.path?.get(id);
  const messages = problems ? [...problems.general, ...Object.values(problems.fields).flat()] : [];
  const ports = block?.ports ?? [];
  const classes = ['block', selected ? 'selected' : '', messages.length ? 'has-error' : '', step ? 'on-path' : view.path ? 'off-path' : ''];
  return (
    <div
      className={classes.join(' ')}
      style={{ ['--cat' as string]: colorOf(block?.category) }}
      data-testid={`node-${id}`}
      data-block={data.blockType}
      aria-label={`${block?.displayName ?? data.blockType} block ${id}${messages.length ? `, ${messages.length} problems` : ''}`}
    >
      {block?.category !== 'TRIGGER' && <Handle type="target" position={Position.Top} />}
      <div className="block-head">
        <span className="block-kind">{block?.category.toLowerCase() ?? 'unknown'}</span>
        <span className="spacer" />
        <span className="muted small mono">{id}</span>
      </div>
      <div className="block-title">{block?.displayName ?? data.blockType}</div>
      <div className="block-summary" title={summarize(data.blockType, data.config)}>
        {summarize(data.blockType, data.config)}
      </div>
      {children}
      {step && (
        <div className="block-path" data-testid={`path-${id}`}>
          {step.port ? (
            <>
              <CheckIcon /> left by <strong>{step.port}</strong>
            </>
          ) : (
            <>
              <PauseIcon /> stopped here
            </>
          )}
          {detailText(step) && <> · {detailText(step)}</>}
        </div>
      )}
      {messages.length > 0 && (
        <div className="block-errors" role="note" data-testid={`errors-${id}`}>
          {messages[0]}
          {messages.length > 1 ? ` (+${messages.length - 1})` : ''}
        </div>
      )}
      {ports.map((p, i) => {
        // Ports leave the bottom edge; their labels sit under the block, beside the edge, never over its text.
        const left = `${((i + 1) / (ports.length + 1)) * 100}%`;
        return (
          <div key={p}>
            <Handle
              type="source"
              position={Position.Bottom}
              id={p}
              className={`port-${p}`}
              style={{ left }}
              title={p}
              aria-label={`${p} port`}
            />
            {ports.length > 1 && (
              <span className="port-label" data-port={p} style={{ left }}>
                {p}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
