import { describe, expect, it } from 'vitest';
import { activationDiffLines, activationDiffTitle } from './activationDiff';
import type { Json } from '../api/types';

describe('activation diff', () => {
  it('lists changed fields, reconfigured, added and removed nodes and edges for the approver', () => {
    const diff: Json = {
      runningVersion: 3,
      proposedVersion: 5,
      fields: [{ field: 'outcome', before: 'ALERT_ONLY', after: 'AUTOMATIC' }],
      nodes: [
        {
          nodeId: 'alert',
          change: 'changed',
          type: 'alert.create',
          configBefore: { severity: 'HIGH' },
          configAfter: { severity: 'CRITICAL' },
        },
        { nodeId: 'isolate', change: 'added', type: 'action.isolateDevice', configBefore: null, configAfter: {} },
        { nodeId: 'old', change: 'removed', type: 'condition.match', configBefore: { all: [] }, configAfter: null },
      ],
      edgesAdded: ['alert -next-> isolate'],
      edgesRemoved: [],
    };

    const lines = activationDiffLines(diff);

    expect(lines.map((l) => l.text)).toEqual([
      'outcome: ALERT_ONLY → AUTOMATIC',
      'changed alert (alert.create)',
      'added isolate (action.isolateDevice)',
      'removed old (condition.match)',
      'edge added alert -next-> isolate',
    ]);
    expect(lines[1]?.detail).toBe('{"severity":"HIGH"} → {"severity":"CRITICAL"}');
    expect(activationDiffTitle(diff)).toBe('Version 3 (running) → 5');
  });

  it('says when the rule does not run yet, and tolerates no diff at all', () => {
    expect(activationDiffTitle({ runningVersion: null, proposedVersion: 1, fields: [], nodes: [] })).toBe(
      'Version 1 (the rule does not run yet)',
    );
    expect(activationDiffLines(null)).toEqual([]);
  });
});
