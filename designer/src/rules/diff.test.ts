import { describe, expect, it } from 'vitest';
import { diffDefinitions } from './diff';
import type { RuleDefinition } from './definition';

const v1: RuleDefinition = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.event', config: { eventTypes: ['a'] } },
    { id: 'th', type: 'condition.threshold', config: { count: 5, window: 'PT10M', groupBy: ['user.id'] } },
  ],
  edges: [{ from: 't', to: 'th' }],
};

describe('version diff', () => {
  it('lists changed fields, added and removed nodes and edges', () => {
    const v2: RuleDefinition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.event', config: { eventTypes: ['a'] } },
        { id: 'g', type: 'gate.approval', config: {} },
      ],
      edges: [{ from: 't', to: 'g' }],
    };
    const d = diffDefinitions(v1, v2);
    expect(d.nodes).toEqual([
      { id: 'g', type: 'gate.approval', change: 'added', fields: [] },
      { id: 'th', type: 'condition.threshold', change: 'removed', fields: [] },
    ]);
    expect(d.edgesAdded).toEqual(['t —next→ g']);
    expect(d.edgesRemoved).toEqual(['t —next→ th']);
  });

  it('ignores key order and reports config changes by field', () => {
    const v2 = structuredClone(v1);
    v2.nodes[1]!.config = { groupBy: ['user.id'], window: 'PT5M', count: 5 };
    const d = diffDefinitions(v1, v2);
    expect(d.nodes).toEqual([{ id: 'th', type: 'condition.threshold', change: 'changed', fields: ['window'] }]);
    expect(diffDefinitions(v1, structuredClone(v1)).unchanged).toBe(true);
  });
});
