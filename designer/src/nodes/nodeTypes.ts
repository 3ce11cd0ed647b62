import type { NodeTypes } from '@xyflow/react';
import TriggerNode from './TriggerNode';
import ConditionNode from './ConditionNode';
import GateNode from './GateNode';
import AlertNode from './AlertNode';
import ActionNode from './ActionNode';
import FlowNode from './FlowNode';
import UnknownNode from './UnknownNode';

// Block category → component (definition.ts nodeTypeFor); at module scope so React Flow never re-mounts nodes.
export const nodeTypes: NodeTypes = {
  trigger: TriggerNode,
  condition: ConditionNode,
  gate: GateNode,
  alert: AlertNode,
  action: ActionNode,
  flow: FlowNode,
  unknown: UnknownNode,
};
