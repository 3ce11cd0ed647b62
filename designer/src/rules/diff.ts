// What changed between two versions of a rule, node by node and edge by edge. Pure.
import { stableJson, type RuleDefinition } from './definition';

export type NodeChange = { id: string; type: string; change: 'added' | 'removed' | 'changed'; fields: string[] };
export interface DefinitionDiff {
  nodes: NodeChange[];
  edgesAdded: string[];
  edgesRemoved: string[];
  unchanged: boolean;
}

const edgeKey = (e: { from: string; to: string; port?: string }) => `${e.from} —${e.port ?? 'next'}→ ${e.to}`;

export function diffDefinitions(before: RuleDefinition, after: RuleDefinition): DefinitionDiff {
  const a = new Map(before.nodes.map((n) => [n.id, n]));
  const b = new Map(after.nodes.map((n) => [n.id, n]));
  const nodes: NodeChange[] = [];
  for (const [id, n] of b) {
    const old = a.get(id);
    if (!old) {
      nodes.push({ id, type: n.type, change: 'added', fields: [] });
      continue;
    }
    const keys = new Set([...Object.keys(old.config), ...Object.keys(n.config)]);
    const fields = [...keys].filter((k) => stableJson(old.config[k] ?? null) !== stableJson(n.config[k] ?? null)).sort();
    if (old.type !== n.type) fields.unshift('type');
    if (fields.length) nodes.push({ id, type: n.type, change: 'changed', fields });
  }
  for (const [id, n] of a) if (!b.has(id)) nodes.push({ id, type: n.type, change: 'removed', fields: [] });
  const ea = new Set(before.edges.map(edgeKey));
  const eb = new Set(after.edges.map(edgeKey));
  const edgesAdded = [...eb].filter((k) => !ea.has(k));
  const edgesRemoved = [...ea].filter((k) => !eb.has(k));
  return { nodes, edgesAdded, edgesRemoved, unchanged: nodes.length === 0 && edgesAdded.length === 0 && edgesRemoved.length === 0 };
}
