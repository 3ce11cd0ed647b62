// Sample events for the test panel, shaped after the trigger so the first run shows something.
import type { JsonObject } from '../api/types';
import type { RuleDefinition } from './definition';

export function sampleEvents(definition: RuleDefinition, organizationId: string, count = 6, now = new Date()): JsonObject[] {
  const trigger = definition.nodes.find((n) => n.type === 'trigger.event');
  const types = trigger?.config.eventTypes;
  const type = Array.isArray(types) && typeof types[0] === 'string' ? types[0] : 'signin.failed';
  const start = now.getTime() - count * 60_000;
  return Array.from({ length: count }, (_, i) => ({
    id: `sample-${i + 1}`,
    organizationId,
    source: 'designer-test',
    type,
    severity: 'HIGH',
    time: new Date(start + i * 60_000).toISOString(),
    user: { id: 'u-jdoe', name: 'J. Doe', email: 'jdoe@example.com' },
    device: { id: 'dev-laptop-17', hostname: 'LAPTOP-17' },
    src: { ip: '203.0.113.7' },
  }));
}
