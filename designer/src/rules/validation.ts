// Validation shown on the canvas: the server's errors (after a save) and the designer's own checks (live,
// before saving) become a map of node → field → messages. Pure.
import type { ActivityDescriptor, ActivityInput, Json, RuleOutcome, RuleValidationError } from '../api/types';
import { parseDuration } from './configForm';
import type { RuleDefinition } from './definition';

export interface Problem {
  nodeId: string | null;
  field: string | null;
  message: string;
}
export interface NodeProblems {
  general: string[];
  fields: Record<string, string[]>;
}
export interface ProblemIndex {
  byNode: Map<string, NodeProblems>;
  rule: string[];
  count: number;
}

/** "config.window" → "window"; "config.all[0].field" → "all"; anything else stays as it is. */
export function fieldKey(field: string | null): string | null {
  if (!field) return null;
  const m = /^config\.([A-Za-z0-9_]+)/.exec(field);
  return m ? m[1]! : null;
}

export function indexProblems(problems: (Problem | RuleValidationError)[]): ProblemIndex {
  const byNode = new Map<string, NodeProblems>();
  const rule: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (const p of problems) {
    const key = `${p.nodeId}|${p.field}|${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    count++;
    if (!p.nodeId) {
      rule.push(p.message);
      continue;
    }
    const entry = byNode.get(p.nodeId) ?? { general: [], fields: {} };
    const field = fieldKey(p.field);
    if (field) (entry.fields[field] ??= []).push(p.message);
    else entry.general.push(p.message);
    byNode.set(p.nodeId, entry);
  }
  return { byNode, rule, count };
}

function isBlank(v: Json | undefined): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function checkInput(nodeId: string, blockType: string, input: ActivityInput, value: Json | undefined, out: Problem[]): void {
  const field = `config.${input.name}`;
  if (isBlank(value)) {
    if (input.required) out.push({ nodeId, field, message: `${input.name} is required.` });
    return;
  }
  switch (input.type) {
    case 'DURATION':
      if (typeof value !== 'string' || !(parseDuration(value) ?? 0))
        out.push({ nodeId, field, message: `${input.name} must be a duration greater than zero, such as PT10M.` });
      break;
    case 'INTEGER':
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
        out.push({ nodeId, field, message: `${input.name} must be a whole number greater than 0.` });
      break;
    case 'TIME_OF_DAY':
      if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value))
        out.push({ nodeId, field, message: `${input.name} must be a time such as 18:00.` });
      break;
    case 'FIELD_PATH':
      if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/.test(value))
        out.push({ nodeId, field, message: `${input.name} must be an event field path such as user.id.` });
      break;
    default:
      break;
  }
  void blockType;
}

/** The designer's live checks, a subset of the server's validator: what an author gets wrong while typing. */
export function validateLocally(definition: RuleDefinition, catalog: ActivityDescriptor[], outcome: RuleOutcome): Problem[] {
  const out: Problem[] = [];
  const byId = new Map(catalog.map((b) => [b.id, b]));
  const triggers = definition.nodes.filter((n) => byId.get(n.type)?.category === 'TRIGGER');
  if (definition.nodes.length === 0) out.push({ nodeId: null, field: 'nodes', message: 'Drag a trigger from the palette to start.' });
  else if (triggers.length === 0) out.push({ nodeId: null, field: 'nodes', message: 'A rule needs exactly one trigger.' });
  else if (triggers.length > 1)
    for (const t of triggers.slice(1)) out.push({ nodeId: t.id, field: null, message: 'A rule has exactly one trigger; remove this one.' });

  for (const node of definition.nodes) {
    const block = byId.get(node.type);
    if (!block) {
      out.push({ nodeId: node.id, field: 'type', message: `Unknown block type ${node.type}.` });
      continue;
    }
    for (const input of block.inputs) checkInput(node.id, node.type, input, node.config[input.name], out);
    if (outcome === 'ALERT_ONLY' && block.category === 'ACTION')
      out.push({ nodeId: node.id, field: null, message: 'An alert-only rule runs no actions: change the outcome or remove this block.' });
  }

  const reachable = new Set<string>();
  const next = new Map<string, string[]>();
  for (const e of definition.edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const stack = triggers.slice(0, 1).map((t) => t.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  if (triggers.length)
    for (const n of definition.nodes)
      if (!reachable.has(n.id)) out.push({ nodeId: n.id, field: null, message: 'Not connected: nothing leads here from the trigger.' });
  const hasEffect = definition.nodes.some((n) => reachable.has(n.id) && ['ALERT', 'ACTION'].includes(byId.get(n.type)?.category ?? ''));
  if (triggers.length === 1 && !hasEffect)
    out.push({ nodeId: null, field: 'nodes', message: 'The rule does nothing yet: connect an alert or an action after the trigger.' });

  if (outcome === 'MANUAL_APPROVAL') {
    // Every action must sit behind a gate's "approved" port.
    const gated = new Set<string>();
    const walk = (id: string, approved: boolean, seen: Set<string>) => {
      if (seen.has(id)) return;
      seen.add(id);
      if (approved) gated.add(id);
      for (const e of definition.edges.filter((x) => x.from === id)) {
        const isGate = byId.get(definition.nodes.find((n) => n.id === id)?.type ?? '')?.category === 'GATE';
        walk(e.to, approved || (isGate && e.port === 'approved'), new Set(seen));
      }
    };
    for (const t of triggers.slice(0, 1)) walk(t.id, false, new Set());
    for (const n of definition.nodes)
      if (byId.get(n.type)?.category === 'ACTION' && reachable.has(n.id) && !gated.has(n.id))
        out.push({
          nodeId: n.id,
          field: null,
          message: "With manual approval, connect this action after an approval gate's approved port.",
        });
  }
  return out;
}
