import { describe, expect, it } from 'vitest';
import { mostTelling, outcomeOf } from './testOutcome';
import type { TestEventResult } from '../api/types';

const step = (nodeId: string) => ({ nodeId, blockType: 'x', port: 'next', at: '2026-01-01T00:00:00Z', detail: null });
const result = (eventId: string, over: Partial<TestEventResult> = {}): TestEventResult => ({
  eventId,
  triggered: true,
  status: 'COMPLETED',
  path: [step('trigger')],
  alerts: [],
  actions: [],
  approvalRequests: [],
  error: null,
  ...over,
});

describe('outcomeOf', () => {
  it('says where a triggered event stopped instead of calling it triggered', () => {
    expect(outcomeOf(result('e1', { path: [step('trigger'), step('burst')] })).label).toBe('Stopped at burst');
  });

  it('names the effect of an event that raised an alert or requested approval', () => {
    expect(outcomeOf(result('e1', { alerts: [{ id: 'a' }] })).label).toBe('Alert raised');
    expect(outcomeOf(result('e1', { approvalRequests: [{ id: 'r' }] })).label).toBe('Approval requested');
  });

  it('labels an event the trigger ignored as not triggered', () => {
    expect(outcomeOf(result('e1', { triggered: false, path: [] })).label).toBe('Not triggered');
  });
});

describe('mostTelling', () => {
  it('opens the event with an effect over a later one that only went further', () => {
    const alerting = result('fifth', { alerts: [{ id: 'a' }], path: [step('trigger'), step('burst'), step('alert')] });
    const later = result('sixth', { path: [step('trigger'), step('burst'), step('alert'), step('x')] });
    expect(mostTelling([result('first'), alerting, later])?.eventId).toBe('fifth');
  });
});
