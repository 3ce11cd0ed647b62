// Auto-layout with dagre: top to bottom, so a chain of blocks reads down the screen and a rule of five blocks still
// fits the canvas at a readable zoom (the canvas is wider than it is tall only when both panels are collapsed).
import dagre from '@dagrejs/dagre';
import type { BlockNode, PortEdge } from './definition';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 96;
/** Room between ranks for the port labels drawn under a block and the edges leaving it. */
const RANK_GAP = 64;

/**
 * How the canvas fits a rule into view: never below 75 % (smaller text is unreadable), never above 100 %; a rule
 * taller than the canvas then scrolls instead of shrinking.
 */
export const READABLE_FIT = { padding: 0.1, minZoom: 0.75, maxZoom: 1 } as const;

export function autoLayout(nodes: BlockNode[], edges: PortEdge[]): BlockNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: RANK_GAP, marginx: 20, marginy: 20 });
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
