// Rule JSON (docs/rule-format.md) ⇄ the canvas's nodes and edges. Pure: no React, no fetch.
import type { Edge, Node } from '@xyflow/react';
import type { ActivityDescriptor, JsonObject } from '../api/types';

export interface RuleNodeJson {
  id: string;
  type: string;
  config: JsonObject;
  position?: { x: number; y: number };
}
export interface RuleEdgeJson {
  from: string;
  to: string;
  port?: string;
}
export interface RuleDefinition {
  schemaVersion: number;
  nodes: RuleNodeJson[];
  edges: RuleEdgeJson[];
}

export type BlockData = { blockType: string; config: JsonObject };
export type BlockNode = Node<BlockData>;
export type PortEdge = Edge;

export const emptyDefinition = (): RuleDefinition => ({ schemaVersion: 1, nodes: [], edges: [] });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads any JSON into a definition, or explains why it is not one. */
export function parseDefinition(json: unknown): { definition: RuleDefinition } | { error: string } {
  if (!isObject(json)) return { error: 'A rule definition is a JSON object with nodes and edges.' };
  const nodes = json.nodes,
    edges = json.edges ?? [];
  if (!Array.isArray(nodes)) return { error: '"nodes" must be an array.' };
  if (!Array.isArray(edges)) return { error: '"edges" must be an array.' };
  const out: RuleDefinition = { schemaVersion: typeof json.schemaVersion === 'number' ? json.schemaVersion : 1, nodes: [], edges: [] };
  for (const [i, n] of nodes.entries()) {
    if (!isObject(n) || typeof n.id !== 'string' || typeof n.type !== 'string')
      return { error: `nodes[${i}] needs a string "id" and "type".` };
    const position =
      isObject(n.position) && typeof n.position.x === 'number' && typeof n.position.y === 'number'
        ? { x: n.position.x, y: n.position.y }
        : undefined;
    out.nodes.push({
      id: n.id,
      type: n.type,
      config: isObject(n.config) ? (n.config as JsonObject) : {},
      ...(position ? { position } : {}),
    });
  }
  for (const [i, e] of edges.entries()) {
    if (!isObject(e) || typeof e.from !== 'string' || typeof e.to !== 'string')
      return { error: `edges[${i}] needs string "from" and "to".` };
    out.edges.push({ from: e.from, to: e.to, ...(typeof e.port === 'string' ? { port: e.port } : {}) });
  }
  return { definition: out };
}

export function edgeId(from: string, port: string | null | undefined, to: string): string {
  return `${from}:${port ?? 'next'}->${to}`;
}

/** The canvas for a definition. Nodes without a position are placed in a row; auto-layout can tidy them. */
export function toFlow(definition: RuleDefinition, catalog: ActivityDescriptor[]): { nodes: BlockNode[]; edges: PortEdge[] } {
  const byId = new Map(catalog.map((b) => [b.id, b]));
  const nodes: BlockNode[] = definition.nodes.map((n, i) => ({
    id: n.id,
    type: nodeTypeFor(n.type, byId.get(n.type)),
    position: n.position ?? { x: i * 280, y: 0 },
    data: { blockType: n.type, config: n.config },
  }));
  const typeOf = new Map(definition.nodes.map((n) => [n.id, n.type]));
  const edges: PortEdge[] = definition.edges.map((e) => {
    const ports = byId.get(typeOf.get(e.from) ?? '')?.ports ?? [];
    const port = e.port ?? ports[0] ?? 'next';
    return { id: edgeId(e.from, port, e.to), source: e.from, target: e.to, sourceHandle: port, label: port === 'next' ? undefined : port };
  });
  return { nodes, edges };
}

/** The definition for a canvas. A port is written only where the source block has more than one. */
export function toDefinition(nodes: BlockNode[], edges: PortEdge[], catalog: ActivityDescriptor[]): RuleDefinition {
  const byId = new Map(catalog.map((b) => [b.id, b]));
  const typeOf = new Map(nodes.map((n) => [n.id, n.data.blockType]));
  return {
    schemaVersion: 1,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.blockType,
      config: n.data.config,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    })),
    edges: edges.map((e) => {
      const ports = byId.get(typeOf.get(e.source) ?? '')?.ports ?? [];
      const port = e.sourceHandle ?? ports[0];
      return ports.length > 1 && port ? { from: e.source, to: e.target, port } : { from: e.source, to: e.target };
    }),
  };
}

/** React Flow node type: one component per category (nodes/nodeTypes.ts), unknown blocks get their own. */
export function nodeTypeFor(_blockType: string, descriptor: ActivityDescriptor | undefined): string {
  return descriptor ? descriptor.category.toLowerCase() : 'unknown';
}

/** A short, unique, readable node id from the block type ("condition.threshold" → "threshold", "threshold2"). */
export function newNodeId(blockType: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = (blockType.split('.').pop() ?? 'node').replace(/[^A-Za-z0-9]/g, '') || 'node';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** Config a freshly dropped block starts with: required fields get sensible empty values. */
export function defaultConfig(descriptor: ActivityDescriptor): JsonObject {
  const config: JsonObject = {};
  for (const input of descriptor.inputs) {
    if (!input.required) continue;
    switch (input.type) {
      case 'ARRAY':
        config[input.name] = [];
        break;
      case 'SEVERITY':
        config[input.name] = 'MEDIUM';
        break;
      case 'BOOLEAN':
        config[input.name] = false;
        break;
      default:
        break;
    }
  }
  return config;
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
