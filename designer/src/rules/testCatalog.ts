// A slice of the server's activityCatalog for unit tests.
import type { ActivityDescriptor } from '../api/types';

type Input = ActivityDescriptor['inputs'][number];
const input = (name: string, type: Input['type'], required: boolean, extra: Partial<Input> = {}): Input => ({
  name,
  type,
  required,
  description: '',
  allowedValues: null,
  itemType: null,
  fields: null,
  ...extra,
});

export const catalog: ActivityDescriptor[] = [
  {
    id: 'trigger.event',
    category: 'TRIGGER',
    displayName: 'Event',
    description: '',
    ports: ['next'],
    actionType: null,
    inputs: [input('eventTypes', 'ARRAY', true, { itemType: 'STRING' }), input('minSeverity', 'SEVERITY', false)],
  },
  {
    id: 'condition.threshold',
    category: 'CONDITION',
    displayName: 'Threshold',
    description: '',
    ports: ['true', 'false'],
    actionType: null,
    inputs: [
      input('count', 'INTEGER', true),
      input('window', 'DURATION', true),
      input('groupBy', 'ARRAY', true, { itemType: 'FIELD_PATH' }),
    ],
  },
  {
    id: 'condition.match',
    category: 'CONDITION',
    displayName: 'Match',
    description: '',
    ports: ['true', 'false'],
    actionType: null,
    inputs: [
      input('all', 'CONDITIONS', false, {
        fields: [
          input('field', 'FIELD_PATH', true),
          input('op', 'STRING', true, { allowedValues: ['eq', 'neq'] }),
          input('value', 'ANY', false),
        ],
      }),
    ],
  },
  {
    id: 'gate.approval',
    category: 'GATE',
    displayName: 'Approval',
    description: '',
    ports: ['approved', 'rejected', 'expired'],
    actionType: null,
    inputs: [input('timeout', 'DURATION', false)],
  },
  {
    id: 'action.isolateDevice',
    category: 'ACTION',
    displayName: 'Isolate device',
    description: '',
    ports: ['completed', 'failed'],
    actionType: 'ISOLATE_DEVICE',
    inputs: [input('target', 'OBJECT', false, { fields: [input('deviceId', 'FIELD_PATH', false)] }), input('parameters', 'OBJECT', false)],
  },
  {
    id: 'condition.activeHours',
    category: 'CONDITION',
    displayName: 'Active hours',
    description: '',
    ports: ['true', 'false'],
    actionType: null,
    inputs: [
      input('timeZone', 'TIME_ZONE', true),
      input('windows', 'ARRAY', true, {
        itemType: 'OBJECT',
        fields: [input('days', 'ARRAY', true, { itemType: 'STRING', allowedValues: ['MON', 'TUE'] }), input('from', 'TIME_OF_DAY', true)],
      }),
    ],
  },
];
