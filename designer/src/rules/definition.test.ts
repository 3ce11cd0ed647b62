import { describe, expect, it } from 'vitest';
import { defaultConfig, newNodeId, parseDefinition, toDefinition, toFlow, type RuleDefinition } from './definition';
import { catalog } from './testCatalog';

const rule: RuleDefinition = {
  schemaVersion: 1,
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { eventTypes: ['signin.failed'] }, position: { x: 0, y: 0 } },
    { id: 'burst', type: 'condition.threshold', config: { groupBy: ['user.id'], count: 5, window: 'PT10M' }, position: { x: 280, y: 0 } },
    { id: 'gate', type: 'gate.approval', config: { timeout: 'PT1H' }, position: { x: 560, y: 0 } },
    { id: 'isolate', type: 'action.isolateDevice', config: {}, position: { x: 840, y: 0 } },
  ],
  edges: [
    { from: 'trigger', to: 'burst' },
    { from: 'burst', to: 'gate', port: 'true' },
    { from: 'gate', to: 'isolate', port: 'approved' },
  ],
};

describe('definition ⇄ canvas', () => {
  it('round-trips a rule unchanged through the canvas', () => {
    const { nodes, edges } = toFlow(rule, catalog);
    expect(toDefinition(nodes, edges, catalog)).toEqual(rule);
  });

  it("connects an edge without a port to the source block's only port", () => {
    const { edges } = toFlow(rule, catalog);
    expect(edges[0]).toMatchObject({ source: 'trigger', target: 'burst', sourceHandle: 'next' });
    expect(edges[2]).toMatchObject({ sourceHandle: 'approved', label: 'approved' });
  });

  it('uses one node type per block category', () => {
    const { nodes } = toFlow(rule, catalog);
    expect(nodes.map((n) => n.type)).toEqual(['trigger', 'condition', 'gate', 'action']);
  });

  it('places nodes without a position in a row', () => {
    const { nodes } = toFlow({ ...rule, nodes: rule.nodes.map((n) => ({ ...n, position: undefined })) }, catalog);
    expect(nodes.map((n) => n.position.x)).toEqual([0, 280, 560, 840]);
  });

  it('writes the port of a multi-port block and rounds positions', () => {
    const { nodes, edges } = toFlow(rule, catalog);
    nodes[1]!.position = { x: 280.6, y: 10.2 };
    const out = toDefinition(nodes, edges, catalog);
    expect(out.nodes[1]!.position).toEqual({ x: 281, y: 10 });
    expect(out.edges[1]).toEqual({ from: 'burst', to: 'gate', port: 'true' });
  });

  it('refuses JSON that is not a definition, naming the entry', () => {
    expect(parseDefinition([])).toEqual({ error: 'A rule definition is a JSON object with nodes and edges.' });
    expect(parseDefinition({ nodes: [{ id: 'a' }] })).toEqual({ error: 'nodes[0] needs a string "id" and "type".' });
    expect(parseDefinition({ nodes: [], edges: [{ from: 'a' }] })).toEqual({ error: 'edges[0] needs string "from" and "to".' });
  });

  it('reads an exported rule back', () => {
    const parsed = parseDefinition(JSON.parse(JSON.stringify(rule)));
    expect(parsed).toEqual({ definition: rule });
  });

  it('names new nodes after the block, avoiding ids in use', () => {
    expect(newNodeId('condition.threshold', [])).toBe('threshold');
    expect(newNodeId('condition.threshold', ['threshold', 'threshold2'])).toBe('threshold3');
  });

  it('starts required list fields empty so the form can add entries', () => {
    expect(defaultConfig(catalog[1]!)).toEqual({ groupBy: [] });
  });
});
