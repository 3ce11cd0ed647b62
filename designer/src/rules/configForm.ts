// A block's config form, generated from its activityCatalog inputs. Pure: the React form renders these fields.
import type { ActivityInput, Json, JsonObject } from '../api/types';
import { SEVERITIES } from '../api/types';

export type FieldKind =
  | 'text'
  | 'integer'
  | 'boolean'
  | 'select'
  | 'duration'
  | 'fieldPath'
  | 'timeZone'
  | 'cron'
  | 'template'
  | 'timeOfDay'
  | 'stringList'
  | 'fieldPathList'
  | 'multiSelect'
  | 'conditions'
  | 'objectList'
  | 'object'
  | 'code'
  | 'json';

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help: string;
  options?: string[];
  fields?: FormField[];
  language?: 'csharp-script' | 'csharp-expression';
}

export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldFor(input: ActivityInput): FormField {
  const base = { name: input.name, label: humanize(input.name), required: input.required, help: input.description ?? '' };
  const options = input.allowedValues ?? undefined;
  switch (input.type) {
    case 'INTEGER':
      return { ...base, kind: 'integer' };
    case 'BOOLEAN':
      return { ...base, kind: 'boolean' };
    case 'SEVERITY':
      return { ...base, kind: 'select', options: SEVERITIES };
    case 'DURATION':
      return { ...base, kind: 'duration' };
    case 'FIELD_PATH':
      return { ...base, kind: 'fieldPath' };
    case 'TIME_ZONE':
      return { ...base, kind: 'timeZone' };
    case 'CRON':
      return { ...base, kind: 'cron' };
    case 'TEMPLATE':
      return { ...base, kind: 'template' };
    case 'TIME_OF_DAY':
      return { ...base, kind: 'timeOfDay' };
    case 'SCRIPT':
      return { ...base, kind: 'code', language: 'csharp-script' };
    case 'EXPRESSION':
      return { ...base, kind: 'code', language: 'csharp-expression' };
    case 'CONDITIONS':
      return { ...base, kind: 'conditions', fields: (input.fields ?? []).map(fieldFor) };
    case 'OBJECT':
      return input.fields?.length ? { ...base, kind: 'object', fields: input.fields.map(fieldFor) } : { ...base, kind: 'json' };
    case 'ARRAY':
      if (input.itemType === 'FIELD_PATH') return { ...base, kind: 'fieldPathList' };
      if (input.itemType === 'OBJECT') return { ...base, kind: 'objectList', fields: (input.fields ?? []).map(fieldFor) };
      if (options?.length) return { ...base, kind: 'multiSelect', options };
      return { ...base, kind: 'stringList' };
    case 'STRING':
      return options?.length ? { ...base, kind: 'select', options } : { ...base, kind: 'text' };
    default:
      return { ...base, kind: 'json' };
  }
}

export function formFor(inputs: ActivityInput[]): FormField[] {
  return inputs.map(fieldFor);
}

/** ISO-8601 durations as the form shows them: a number and a unit. */
export type DurationUnit = 'S' | 'M' | 'H' | 'D';
const SECONDS: Record<DurationUnit, number> = { S: 1, M: 60, H: 3600, D: 86400 };

export function parseDuration(iso: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso.trim());
  if (!m || iso.trim() === 'P' || iso.trim().endsWith('T')) return null;
  const [, d, h, min, s] = m;
  const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Number.isFinite(total) ? total : null;
}

export function splitDuration(iso: string): { amount: number; unit: DurationUnit } | null {
  const seconds = parseDuration(iso);
  if (seconds === null) return null;
  for (const unit of ['D', 'H', 'M'] as DurationUnit[])
    if (seconds >= SECONDS[unit] && seconds % SECONDS[unit] === 0) return { amount: seconds / SECONDS[unit], unit };
  return { amount: seconds, unit: 'S' };
}

export function joinDuration(amount: number, unit: DurationUnit): string {
  return unit === 'D' ? `P${amount}D` : `PT${amount}${unit}`;
}

export function describeDuration(iso: string): string {
  const parts = splitDuration(iso);
  if (!parts) return iso;
  const name = { S: 'second', M: 'minute', H: 'hour', D: 'day' }[parts.unit];
  return `${parts.amount} ${name}${parts.amount === 1 ? '' : 's'}`;
}

/** Field paths the pickers suggest (docs/events.md); raw.<anything> is always allowed. */
export const EVENT_FIELD_PATHS = [
  'id',
  'organizationId',
  'source',
  'type',
  'severity',
  'time',
  'user.id',
  'user.name',
  'user.email',
  'device.id',
  'device.hostname',
  'src.ip',
  'dst.ip',
  'process.pid',
  'process.name',
  'process.path',
  'process.commandLine',
  'file.path',
  'file.sha256',
];

export const CONDITION_OPS = ['eq', 'neq', 'in', 'contains', 'startsWith', 'regex', 'gt', 'gte', 'lt', 'lte', 'exists', 'cidr'];

export function emptyValue(field: FormField): Json {
  switch (field.kind) {
    case 'integer':
      return null;
    case 'boolean':
      return false;
    case 'stringList':
    case 'fieldPathList':
    case 'multiSelect':
    case 'conditions':
    case 'objectList':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

export function emptyItem(fields: FormField[]): JsonObject {
  return Object.fromEntries(fields.filter((f) => f.required).map((f) => [f.name, emptyValue(f)]));
}

/** Sets or removes a key: an empty optional value is dropped so the JSON stays minimal. */
export function withValue(config: JsonObject, field: FormField, value: Json | undefined): JsonObject {
  const next = { ...config };
  const empty = value === undefined || value === '' || value === null || (Array.isArray(value) && value.length === 0 && !field.required);
  if (empty && !field.required) delete next[field.name];
  else next[field.name] = value ?? null;
  return next;
}
