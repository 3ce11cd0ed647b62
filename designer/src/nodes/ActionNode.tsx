import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { BlockNode } from '../rules/definition';
import { BlockFrame } from './BlockFrame';

function ActionNode(props: NodeProps<BlockNode>) {
  return <BlockFrame {...props} />;
}

export default memo(ActionNode);
