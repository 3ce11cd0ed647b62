import { describe, expect, it } from 'vitest';
import { autoLayout, NODE_HEIGHT } from './layout';
import type { BlockNode, PortEdge } from './definition';

const node = (id: string): BlockNode => ({
  id,
  type: 'condition',
  position: { x: 0, y: 0 },
  data: { blockType: 'condition.match', config: {} },
});
const edge = (source: string, target: string, port = 'next'): PortEdge => ({
  id: `${source}-${target}`,
  source,
  target,
  sourceHandle: port,
});

describe('autoLayout', () => {
  it('places a chain of blocks top to bottom, each a block height or more below the one before', () => {
    const ids = ['trigger', 'burst', 'alert', 'gate', 'block'];
    const laid = autoLayout(ids.map(node), [
      edge('trigger', 'burst'),
      edge('burst', 'alert', 'true'),
      edge('alert', 'gate'),
      edge('gate', 'block', 'approved'),
    ]);
    const ys = ids.map((id) => laid.find((n) => n.id === id)!.position.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(NODE_HEIGHT);
    expect(new Set(laid.map((n) => n.position.x)).size).toBe(1);
  });

  it('puts the targets of one block side by side on the rank below it', () => {
    const laid = autoLayout(['gate', 'yes', 'no'].map(node), [edge('gate', 'yes', 'approved'), edge('gate', 'no', 'rejected')]);
    const [gate, yes, no] = ['gate', 'yes', 'no'].map((id) => laid.find((n) => n.id === id)!.position);
    expect(yes!.y).toBe(no!.y);
    expect(yes!.y).toBeGreaterThan(gate!.y);
    expect(yes!.x).not.toBe(no!.x);
  });
});
