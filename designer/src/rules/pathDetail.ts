// A run's step detail (the engine's JSON) in words: each compared condition as "field op expected: actual", then the
// rest of the detail as label/value pairs. Used by the test panel's path and the alert detail's path of the real run.
import { textOf, type Json, type JsonObject } from '../api/types';
import { humanEnum } from '../components/ui';

export interface ComparedCondition {
  field: string;
  op: string;
  expected: string;
  actual: string;
  result: boolean;
}

export interface StepDetail {
  conditions: ComparedCondition[];
  facts: { label: string; value: string }[];
}

const OPERATORS: Record<string, string> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'is one of',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  regex: 'matches',
  exists: 'exists',
  cidr: 'is in network',
};

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function describeStepDetail(detail: JsonObject | null | undefined): StepDetail {
  const conditions: ComparedCondition[] = [];
  const facts: { label: string; value: string }[] = [];
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (key === 'conditions' && Array.isArray(value)) {
      for (const c of value)
        if (isObject(c))
          conditions.push({
            field: textOf(c.field),
            op: OPERATORS[textOf(c.op)] ?? textOf(c.op),
            expected: c.expected === undefined || c.expected === null ? '' : textOf(c.expected),
            actual: c.actual === undefined || c.actual === null ? 'no value' : textOf(c.actual),
            result: c.result === true,
          });
    } else {
      facts.push({ label: humanEnum(key), value: textOf(value) });
    }
  }
  return { conditions, facts };
}
