import { describe, expect, it } from 'vitest';
import { describeStepDetail } from './pathDetail';

describe('describeStepDetail', () => {
  it('reads each compared condition with its operator in words and the value the event had', () => {
    const d = describeStepDetail({
      conditions: [
        { field: 'user.name', op: 'eq', expected: 'alice', actual: 'alice', result: true },
        { field: 'source.ip', op: 'cidr', expected: ['10.0.0.0/8'], actual: null, result: false },
      ],
    });
    expect(d.conditions).toEqual([
      { field: 'user.name', op: '=', expected: 'alice', actual: 'alice', result: true },
      { field: 'source.ip', op: 'is in network', expected: '10.0.0.0/8', actual: 'no value', result: false },
    ]);
    expect(d.facts).toEqual([]);
  });

  it('lists the rest of a step as labelled facts (a threshold: count of required in its window)', () => {
    const d = describeStepDetail({ groupKey: 'u-1', count: 5, required: 5, window: 'PT10M', eventIds: ['e1', 'e2'] });
    expect(d.facts).toEqual([
      { label: 'Group key', value: 'u-1' },
      { label: 'Count', value: '5' },
      { label: 'Required', value: '5' },
      { label: 'Window', value: 'PT10M' },
      { label: 'Event ids', value: 'e1, e2' },
    ]);
  });

  it('reads no detail as nothing', () => {
    expect(describeStepDetail(null)).toEqual({ conditions: [], facts: [] });
  });
});
