// Auto-layout with dagre: left to right, ports ordered as the block declares them.
import dagre from '@dagrejs/dagre';
import type { BlockNode, PortEdge } from './definition';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 96;

export function autoLayout(nodes: BlockNode[], edges: PortEdge[]): BlockNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    if (!p) return n;
    const w = n.measured?.width ?? NODE_WIDTH,
      h = n.measured?.height ?? NODE_HEIGHT;
    return { ...n, position: { x: Math.round(p.x - w / 2), y: Math.round(p.y - h / 2) } };
  });
}
