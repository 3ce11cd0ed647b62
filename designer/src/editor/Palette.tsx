import { useMemo, useState } from 'react';
import type { ActivityDescriptor, BlockCategory } from '../api/types';
import { colorOf } from '../nodes/BlockFrame';

const GROUPS: { title: string; categories: BlockCategory[] }[] = [
  { title: 'Triggers', categories: ['TRIGGER'] },
  { title: 'Conditions', categories: ['CONDITION'] },
  { title: 'Gates', categories: ['GATE'] },
  { title: 'Actions', categories: ['ALERT', 'ACTION'] },
  { title: 'Flow', categories: ['FLOW'] },
];

export const DRAG_TYPE = 'application/respond-block';

/** Blocks from activityCatalog: drag onto the canvas, or press Enter to add at the centre (keyboard users). */
export function Palette(props: { catalog: ActivityDescriptor[]; onAdd: (blockType: string) => void }) {
  const [q, setQ] = useState('');
  const filtered = useMemo(() => {
    const s = q.trim().toLowerCase();
    return s ? props.catalog.filter((b) => `${b.displayName} ${b.id} ${b.description}`.toLowerCase().includes(s)) : props.catalog;
  }, [q, props.catalog]);
  return (
    <aside className="palette" id="block-palette" aria-label="Blocks">
      <input type="search" placeholder="Search blocks" aria-label="Search blocks" value={q} onChange={(e) => setQ(e.target.value)} />
      {GROUPS.map((g) => {
        const blocks = filtered.filter((b) => g.categories.includes(b.category));
        if (!blocks.length) return null;
        return (
          <section key={g.title} className="palette-group">
            <h2>{g.title}</h2>
            {blocks.map((b) => (
              <button
                key={b.id}
                type="button"
                className="palette-item"
                draggable
                data-block={b.id}
                title={b.description}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, b.id);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => props.onAdd(b.id)}
                aria-label={`Add ${b.displayName} block`}
              >
                <span className="swatch" style={{ background: colorOf(b.category) }} aria-hidden="true" />
                <span>{b.displayName}</span>
              </button>
            ))}
          </section>
        );
      })}
      {filtered.length === 0 && <p className="muted small">No block matches “{q}”.</p>}
    </aside>
  );
}
