import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from './definition';
import { fieldKey, indexProblems, validateLocally } from './validation';
import { catalog } from './testCatalog';

/** The problems placed on blocks (these partial rules also get the rule-level "does nothing yet"). */
const onBlocks = (problems: ReturnType<typeof validateLocally>) => problems.filter((p) => p.nodeId !== null);
const def = (nodes: RuleDefinition['nodes'], edges: RuleDefinition['edges'] = []): RuleDefinition => ({ schemaVersion: 1, nodes, edges });

describe('validation display', () => {
  it('puts server errors on the node and field they name', () => {
    const index = indexProblems([
      { nodeId: 'th', field: 'config.window', message: 'bad window' },
      { nodeId: 'th', field: 'config.all[0].field', message: 'bad field' },
      { nodeId: 'a', field: null, message: 'needs a gate' },
      { nodeId: null, field: 'nodes', message: 'needs a trigger' },
      { nodeId: 'th', field: 'config.window', message: 'bad window' },
    ]);
    expect(index.byNode.get('th')).toEqual({ general: [], fields: { window: ['bad window'], all: ['bad field'] } });
    expect(index.byNode.get('a')).toEqual({ general: ['needs a gate'], fields: {} });
    expect(index.rule).toEqual(['needs a trigger']);
    expect(index.count).toBe(4);
  });

  it('maps config paths to the form field', () => {
    expect(fieldKey('config.groupBy')).toBe('groupBy');
    expect(fieldKey('edges[0].port')).toBeNull();
  });

  it('flags a duration that is not ISO-8601 on its field, and clears it once fixed', () => {
    const nodes = (window: string) =>
      def(
        [
          { id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } },
          { id: 'th', type: 'condition.threshold', config: { count: 3, window, groupBy: ['user.id'] } },
        ],
        [{ from: 't', to: 'th' }],
      );
    expect(onBlocks(validateLocally(nodes('10 minutes'), catalog, 'ALERT_ONLY'))).toEqual([
      { nodeId: 'th', field: 'config.window', message: 'window must be a duration greater than zero, such as PT10M.' },
    ]);
    expect(onBlocks(validateLocally(nodes('PT10M'), catalog, 'ALERT_ONLY'))).toEqual([]);
  });

  it('requires required fields and one trigger', () => {
    expect(validateLocally(def([]), catalog, 'ALERT_ONLY')[0]!.message).toMatch(/trigger/);
    const problems = validateLocally(def([{ id: 't', type: 'trigger.event', config: { eventTypes: [] } }]), catalog, 'ALERT_ONLY');
    expect(onBlocks(problems)).toEqual([{ nodeId: 't', field: 'config.eventTypes', message: 'eventTypes is required.' }]);
  });

  it('does not call a rule with only a trigger ready: it asks for an alert or an action', () => {
    const onlyTrigger = validateLocally(def([{ id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } }]), catalog, 'ALERT_ONLY');
    expect(onlyTrigger).toEqual([
      { nodeId: null, field: 'nodes', message: 'The rule does nothing yet: connect an alert or an action after the trigger.' },
    ]);
    const withAction = def(
      [
        { id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } },
        { id: 'i', type: 'action.isolateDevice', config: {} },
      ],
      [{ from: 't', to: 'i' }],
    );
    expect(validateLocally(withAction, catalog, 'AUTOMATIC')).toEqual([]);
  });

  it('reports blocks not reachable from the trigger', () => {
    const problems = validateLocally(
      def([
        { id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } },
        { id: 'g', type: 'gate.approval', config: {} },
      ]),
      catalog,
      'ALERT_ONLY',
    );
    expect(onBlocks(problems)).toEqual([{ nodeId: 'g', field: null, message: 'Not connected: nothing leads here from the trigger.' }]);
  });

  it('requires actions behind an approved gate for manual approval', () => {
    const base: RuleDefinition['nodes'] = [
      { id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } },
      { id: 'g', type: 'gate.approval', config: {} },
      { id: 'a', type: 'action.isolateDevice', config: {} },
    ];
    const ungated = validateLocally(
      def(base, [
        { from: 't', to: 'g' },
        { from: 't', to: 'a' },
      ]),
      catalog,
      'MANUAL_APPROVAL',
    );
    expect(ungated.map((p) => p.nodeId)).toEqual(['a']);
    const gated = validateLocally(
      def(base, [
        { from: 't', to: 'g' },
        { from: 'g', to: 'a', port: 'approved' },
      ]),
      catalog,
      'MANUAL_APPROVAL',
    );
    expect(gated).toEqual([]);
  });

  it('refuses actions in an alert-only rule', () => {
    const problems = validateLocally(
      def(
        [
          { id: 't', type: 'trigger.event', config: { eventTypes: ['x'] } },
          { id: 'a', type: 'action.isolateDevice', config: {} },
        ],
        [{ from: 't', to: 'a' }],
      ),
      catalog,
      'ALERT_ONLY',
    );
    expect(problems.map((p) => p.nodeId)).toEqual(['a']);
  });
});
