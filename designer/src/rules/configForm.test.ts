import { describe, expect, it } from 'vitest';
import { describeDuration, formFor, humanize, joinDuration, parseDuration, splitDuration, withValue } from './configForm';
import { catalog } from './testCatalog';

const block = (id: string) => catalog.find((b) => b.id === id)!;

describe('config forms from block schemas', () => {
  it('picks an input per schema type', () => {
    const form = formFor(block('condition.threshold').inputs);
    expect(form.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['count', 'integer', true],
      ['window', 'duration', true],
      ['groupBy', 'fieldPathList', true],
    ]);
  });

  it('offers severities as a select and string lists as lists', () => {
    const form = formFor(block('trigger.event').inputs);
    expect(form[0]).toMatchObject({ name: 'eventTypes', kind: 'stringList', label: 'Event types' });
    expect(form[1]).toMatchObject({ kind: 'select', options: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] });
  });

  it('builds nested forms for conditions, objects and lists of objects', () => {
    const [all] = formFor(block('condition.match').inputs);
    expect(all!.kind).toBe('conditions');
    expect(all!.fields!.map((f) => f.kind)).toEqual(['fieldPath', 'select', 'json']);
    const [target, parameters] = formFor(block('action.isolateDevice').inputs);
    expect(target).toMatchObject({ kind: 'object', fields: [{ name: 'deviceId', kind: 'fieldPath' }] });
    expect(parameters!.kind).toBe('json');
    const [tz, windows] = formFor(block('condition.activeHours').inputs);
    expect(tz!.kind).toBe('timeZone');
    expect(windows!.kind).toBe('objectList');
    expect(windows!.fields!.map((f) => f.kind)).toEqual(['multiSelect', 'timeOfDay']);
  });

  it('labels camelCase names for people', () => {
    expect(humanize('minSeverity')).toBe('Min severity');
  });

  it('reads and writes ISO-8601 durations', () => {
    expect(parseDuration('PT10M')).toBe(600);
    expect(parseDuration('P1DT12H')).toBe(129600);
    expect(parseDuration('10 minutes')).toBeNull();
    expect(parseDuration('PT')).toBeNull();
    expect(splitDuration('PT90M')).toEqual({ amount: 90, unit: 'M' });
    expect(splitDuration('PT2H')).toEqual({ amount: 2, unit: 'H' });
    expect(joinDuration(1, 'D')).toBe('P1D');
    expect(joinDuration(15, 'M')).toBe('PT15M');
    expect(describeDuration('PT1H')).toBe('1 hour');
  });

  it('drops an emptied optional key but keeps a required one', () => {
    const [timeout] = formFor(block('gate.approval').inputs);
    expect(withValue({ timeout: 'PT1H' }, timeout!, '')).toEqual({});
    const [count] = formFor(block('condition.threshold').inputs);
    expect(withValue({}, count!, null)).toEqual({ count: null });
  });
});
