import { describe, expect, it } from 'vitest';
import { LIMIT, record, redo, start, undo } from './history';

describe('undo/redo history', () => {
  it('undoes and redoes in order', () => {
    let h = record(record(start(1), 2), 3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe(3);
  });

  it('drops the redo branch on a new change and ignores no-op changes', () => {
    let h = undo(record(start('a'), 'b'));
    h = record(h, 'c');
    expect(h.future).toEqual([]);
    expect(record(h, 'c')).toBe(h);
  });

  it('keeps a bounded past', () => {
    let h = start(0);
    for (let i = 1; i <= LIMIT + 10; i++) h = record(h, i);
    expect(h.past.length).toBe(LIMIT);
  });
});
