import { useState } from 'react';
import { CloseIcon } from '../components/icons';
import type { PortEdge } from '../rules/definition';

/**
 * The selected block's output ports and where each leads, editable without a mouse: pick a block for a port and
 * press Connect, or remove a connection. Dragging between handles on the canvas does the same.
 */
export function PortConnections(props: {
  nodeId: string;
  ports: string[];
  others: string[];
  edges: PortEdge[];
  readOnly: boolean;
  onConnect: (port: string, target: string) => void;
  onDisconnect: (edgeId: string) => void;
}) {
  const [choice, setChoice] = useState<Record<string, string>>({});
  if (props.ports.length === 0) return null;
  return (
    <section aria-label="Connections" className="stack">
      <h3>Connections</h3>
      {props.ports.map((port) => {
        const out = props.edges.filter((e) => e.source === props.nodeId && (e.sourceHandle ?? 'next') === port);
        const free = props.others.filter((id) => !out.some((e) => e.target === id));
        const picked = choice[port] ?? '';
        return (
          <div key={port} className="port-connections" data-port={port}>
            <div className="small">
              <code>{port}</code> →{' '}
              {out.length === 0 ? (
                <span className="muted">not connected</span>
              ) : (
                out.map((e) => (
                  <span key={e.id} className="chip">
                    <code>{e.target}</code>
                    {!props.readOnly && (
                      <button
                        type="button"
                        className="btn ghost small"
                        aria-label={`Remove ${port} → ${e.target}`}
                        onClick={() => props.onDisconnect(e.id)}
                      >
                        <CloseIcon />
                      </button>
                    )}
                  </span>
                ))
              )}
            </div>
            {!props.readOnly && free.length > 0 && (
              <div className="row">
                <select aria-label={`Connect ${port} to`} value={picked} onChange={(e) => setChoice({ ...choice, [port]: e.target.value })}>
                  <option value="">Choose a block…</option>
                  {free.map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="btn small"
                  disabled={!picked}
                  onClick={() => {
                    props.onConnect(port, picked);
                    setChoice({ ...choice, [port]: '' });
                  }}
                >
                  Connect
                </button>
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
