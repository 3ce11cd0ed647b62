import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RuleActivationDiff } from '../components/RuleActivationDiff';
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { mutate, useQuery } from '../api/hooks';
import { ACTIVATE_RULE, CATALOG, CREATE_RULE, PAUSE_RULE, RULE, TEMPLATES, UPDATE_RULE } from '../api/queries';
import type { ActivityDescriptor, JsonObject, Rule, RuleOutcome, RuleTemplate, TestEventResult } from '../api/types';
import { OUTCOMES } from '../api/types';
import {
  defaultConfig,
  edgeId,
  emptyDefinition,
  newNodeId,
  nodeTypeFor,
  parseDefinition,
  stableJson,
  toDefinition,
  toFlow,
  type BlockNode,
  type PortEdge,
  type RuleDefinition,
} from '../rules/definition';
import { record, redo, start, undo, type History } from '../rules/history';
import { PortConnections } from './PortConnections';
import { autoLayout, READABLE_FIT } from '../rules/layout';
import { indexProblems, validateLocally } from '../rules/validation';
import { CanvasContext, colorOf } from '../nodes/BlockFrame';
import { nodeTypes } from '../nodes/nodeTypes';
import { linkProps, navigate, setLeaveGuard } from '../router';
import { useSession } from '../session';
import { ErrorBox, errorText, Loading, outcomeLabel, StatusBadge } from '../components/ui';
import { ConfigForm, Datalists } from './ConfigForm';
import { BackIcon, CheckIcon, RedoIcon, UndoIcon } from '../components/icons';
import { DRAG_TYPE, Palette } from './Palette';
import { TestPanel } from './TestPanel';
import { HistoryDialog } from './HistoryDialog';
import { DuplicateTemplateDialog } from '../components/DuplicateTemplateDialog';

interface Props {
  ruleId?: string;
  templateId?: string;
}
interface Snapshot {
  nodes: BlockNode[];
  edges: PortEdge[];
}

export default function RuleEditorPage(props: Props) {
  const catalog = useQuery(CATALOG);
  const rule = useQuery(RULE, { id: props.ruleId ?? '' }, !props.ruleId);
  const templates = useQuery(TEMPLATES, undefined, !props.templateId);
  const error = catalog.error ?? rule.error ?? templates.error;
  if (error)
    return (
      <div className="page">
        <ErrorBox
          error={error}
          onRetry={() => {
            void catalog.reload();
            void rule.reload();
          }}
        />
      </div>
    );
  if (!catalog.data || (props.ruleId && !rule.data) || (props.templateId && !templates.data))
    return (
      <div className="page">
        <Loading />
      </div>
    );
  if (props.ruleId && !rule.data?.rule)
    return (
      <div className="page">
        <h1>Rule not found</h1>
        <p className="muted">It may have been deleted, or it belongs to an organization you cannot see.</p>
      </div>
    );
  const template = props.templateId ? (templates.data?.communityTemplates.find((t) => t.id === props.templateId) ?? null) : null;
  if (props.templateId && !template)
    return (
      <div className="page">
        <h1>Template not found</h1>
      </div>
    );
  return (
    <ReactFlowProvider>
      <Editor catalog={catalog.data.activityCatalog} rule={rule.data?.rule ?? null} template={template} />
    </ReactFlowProvider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function Editor(props: { catalog: ActivityDescriptor[]; rule: Rule | null; template: RuleTemplate | null }) {
  const { viewer, can, toast } = useSession();
  const flow = useReactFlow();
  const readOnly = !!props.template || !can('RuleAuthor');
  const catalogMap = useMemo(() => new Map(props.catalog.map((b) => [b.id, b])), [props.catalog]);

  const initial = useMemo<Snapshot>(() => {
    const source = props.rule?.definition ?? props.template?.definition ?? emptyDefinition();
    const parsed = parseDefinition(source);
    if (!('definition' in parsed)) return { nodes: [], edges: [] };
    const flow = toFlow(parsed.definition, props.catalog);
    // Templates were drawn left to right for wide screens: they open laid out top to bottom, readable at any width.
    return props.template ? { nodes: autoLayout(flow.nodes, flow.edges), edges: flow.edges } : flow;
  }, [props.rule, props.template, props.catalog]);

  const [saved, setSaved] = useState<Rule | null>(props.rule);
  const [history, setHistory] = useState<History<Snapshot>>(() => start(initial));
  const [nodes, setNodes] = useState<BlockNode[]>(initial.nodes);
  const [edges, setEdges] = useState<PortEdge[]>(initial.edges);
  const [name, setName] = useState(props.rule?.name ?? props.template?.name ?? 'Untitled rule');
  const [description, setDescription] = useState(props.rule?.description ?? props.template?.description ?? '');
  const [outcome, setOutcome] = useState<RuleOutcome>(props.rule?.outcome ?? props.template?.outcome ?? 'ALERT_ONLY');
  const [scope, setScope] = useState<string[]>(props.rule?.organizationIds ?? []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  // Below 1280 px the canvas needs the room: the palette and the settings panel start collapsed there.
  const [paletteOpen, setPaletteOpen] = useState(() => window.innerWidth >= 1280);
  const [sideOpen, setSideOpen] = useState(() => window.innerWidth >= 1280);
  const [testResult, setTestResult] = useState<TestEventResult | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [confirmDuplicate, setConfirmDuplicate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const clipboard = useRef<Snapshot | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const definition = useMemo(() => toDefinition(nodes, edges, props.catalog), [nodes, edges, props.catalog]);
  const savedKey = useMemo(
    () =>
      saved
        ? stableJson({
            d: parseDefinitionOrEmpty(saved.definition),
            n: saved.name,
            o: saved.outcome,
            s: saved.organizationIds,
            desc: saved.description,
          })
        : null,
    [saved],
  );
  const currentKey = stableJson({ d: definition, n: name, o: outcome, s: scope, desc: description });
  const dirty = !props.template && savedKey !== currentKey;

  const local = useMemo(() => validateLocally(definition, props.catalog, outcome), [definition, props.catalog, outcome]);
  const problems = useMemo(() => indexProblems(dirty || !saved ? local : [...local, ...saved.validationErrors]), [dirty, saved, local]);
  const path = useMemo(() => (testResult ? new Map(testResult.path.map((s) => [s.nodeId, s])) : null), [testResult]);
  const view = useMemo(() => ({ catalog: catalogMap, problems: problems.byNode, path }), [catalogMap, problems, path]);
  const styledEdges = useMemo(() => {
    if (!path) return edges;
    return edges.map((e) => {
      const step = path.get(e.source);
      const on = !!step && step.port === e.sourceHandle && path.has(e.target);
      return on ? { ...e, className: 'on-path', animated: true } : e;
    });
  }, [edges, path]);

  const commit = useCallback((next: Snapshot) => {
    setNodes(next.nodes);
    setEdges(next.edges);
    setHistory((h) => record(h, next, (a, b) => a.nodes === b.nodes && a.edges === b.edges));
  }, []);
  const restore = (s: Snapshot) => {
    setNodes(s.nodes);
    setEdges(s.edges);
  };

  const addBlock = useCallback(
    (blockType: string, position?: { x: number; y: number }) => {
      const block = catalogMap.get(blockType);
      if (!block || readOnly) return;
      const id = newNodeId(
        blockType,
        nodes.map((n) => n.id),
      );
      let at = position ?? flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 3 });
      // Added without a drop point (keyboard, click): step aside until it overlaps no block.
      while (!position && nodes.some((n) => Math.abs(n.position.x - at.x) < 230 && Math.abs(n.position.y - at.y) < 110))
        at = { x: at.x, y: at.y + 130 };
      const node: BlockNode = {
        id,
        type: nodeTypeFor(blockType, block),
        position: at,
        data: { blockType, config: defaultConfig(block) },
        selected: true,
      };
      commit({ nodes: [...nodes.map((n) => ({ ...n, selected: false })), node], edges });
      setSelectedId(id);
    },
    [catalogMap, readOnly, nodes, edges, flow, commit],
  );

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData(DRAG_TYPE);
    if (type) addBlock(type, flow.screenToFlowPosition({ x: e.clientX - 110, y: e.clientY - 30 }));
  };

  const onNodesChange = useCallback((changes: NodeChange<BlockNode>[]) => {
    const structural = changes.some((c) => c.type === 'remove');
    setNodes((ns) => {
      const next = applyNodeChanges(changes, ns);
      if (structural) {
        const ids = new Set(next.map((n) => n.id));
        setEdges((es) => {
          const kept = es.filter((e) => ids.has(e.source) && ids.has(e.target));
          setHistory((h) => record(h, { nodes: next, edges: kept }));
          return kept;
        });
      }
      return next;
    });
    for (const c of changes)
      if (c.type === 'select' && c.selected) {
        setSelectedId(c.id);
        setSideOpen(true);
      }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<PortEdge>[]) => {
    setEdges((es) => {
      const next = applyEdgeChanges(changes, es);
      if (changes.some((c) => c.type === 'remove'))
        setNodes((ns) => {
          setHistory((h) => record(h, { nodes: ns, edges: next }));
          return ns;
        });
      return next;
    });
  }, []);

  const onConnect = useCallback(
    (c: FlowConnection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      const port = c.sourceHandle ?? 'next';
      const edge: PortEdge = {
        id: edgeId(c.source, port, c.target),
        source: c.source,
        target: c.target,
        sourceHandle: port,
        label: port === 'next' ? undefined : port,
      };
      commit({ nodes, edges: addEdge(edge, edges) });
    },
    [nodes, edges, commit],
  );

  const updateConfig = (id: string, config: JsonObject) =>
    commit({ nodes: nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, config } } : n)), edges });

  const layout = () => {
    commit({ nodes: autoLayout(nodes, edges), edges });
    setTimeout(() => void flow.fitView(READABLE_FIT), 50);
  };

  const copy = () => {
    const picked = nodes.filter((n) => n.selected);
    if (!picked.length) return;
    const ids = new Set(picked.map((n) => n.id));
    clipboard.current = { nodes: picked, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
  };
  const paste = () => {
    const c = clipboard.current;
    if (!c || readOnly) return;
    const taken = nodes.map((n) => n.id);
    const rename = new Map<string, string>();
    for (const n of c.nodes) {
      const id = newNodeId(n.data.blockType, [...taken, ...rename.values()]);
      rename.set(n.id, id);
    }
    const pasted = c.nodes.map((n) => ({
      ...n,
      id: rename.get(n.id)!,
      position: { x: n.position.x + 40, y: n.position.y + 40 },
      selected: true,
      data: structuredClone(n.data),
    }));
    const pastedEdges = c.edges.map((e) => ({
      ...e,
      source: rename.get(e.source)!,
      target: rename.get(e.target)!,
      id: edgeId(rename.get(e.source)!, e.sourceHandle, rename.get(e.target)!),
    }));
    commit({ nodes: [...nodes.map((n) => ({ ...n, selected: false })), ...pasted], edges: [...edges, ...pastedEdges] });
  };

  const doUndo = () =>
    setHistory((h) => {
      const n = undo(h);
      restore(n.present);
      return n;
    });
  const doRedo = () =>
    setHistory((h) => {
      const n = redo(h);
      restore(n.present);
      return n;
    });

  const save = async (): Promise<Rule | null> => {
    setBusy(true);
    setSaveError(null);
    try {
      const input = { name, description, organizationIds: scope, outcome, definition };
      const r = saved
        ? await mutate(UPDATE_RULE, { id: saved.id, expectedVersion: saved.version, ...input }, 'updateRule')
        : await mutate(CREATE_RULE, input, 'createRule');
      if (r.errors.length || !r.rule) {
        setSaveError(errorText(r.errors));
        return null;
      }
      setSaved(r.rule);
      toast(
        r.rule.isValid
          ? `Saved “${r.rule.name}” (version ${r.rule.version})`
          : `Saved as a draft with ${r.rule.validationErrors.length} problems to fix`,
      );
      if (!saved) navigate(`/rules/${r.rule.id}`, true);
      return r.rule;
    } catch (e) {
      setSaveError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const activate = async () => {
    const current = dirty || !saved ? await save() : saved;
    if (!current) return;
    setBusy(true);
    try {
      const r = await mutate(ACTIVATE_RULE, { id: current.id, expectedVersion: current.version }, 'activateRule');
      if (r.errors.length || !r.rule) {
        setSaveError(errorText(r.errors));
        return;
      }
      setSaved(r.rule);
      toast(r.approvalRequest ? `“${r.rule.name}” waits for a second person to approve its activation` : `“${r.rule.name}” is active`);
    } finally {
      setBusy(false);
    }
  };

  const pause = async () => {
    if (!saved) return;
    const r = await mutate(PAUSE_RULE, { id: saved.id, expectedVersion: saved.version }, 'pauseRule');
    if (r.errors.length || !r.rule) setSaveError(errorText(r.errors));
    else {
      setSaved(r.rule);
      toast(saved.status === 'ACTIVE' ? `“${r.rule.name}” is paused` : `Activation of “${r.rule.name}” withdrawn`);
    }
  };

  const exportJson = () => {
    const blob = new Blob([JSON.stringify(definition, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${name.replace(/[^A-Za-z0-9-]+/g, '-').toLowerCase() || 'rule'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const importJson = async (file: File) => {
    try {
      const json = JSON.parse(await file.text()) as unknown;
      const candidate = json && typeof json === 'object' && 'definition' in json ? json.definition : json;
      const parsed = parseDefinition(candidate);
      if ('error' in parsed) {
        toast(parsed.error, 'error');
        return;
      }
      commit(toFlow(parsed.definition, props.catalog));
      setTimeout(() => void flow.fitView(READABLE_FIT), 50);
      toast(`Imported ${parsed.definition.nodes.length} blocks; save to keep them`);
    } catch (e) {
      toast(`Not a rule JSON file: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!readOnly) void save();
        return;
      }
      if (isTyping(e.target) || !mod || readOnly) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        doUndo();
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        doRedo();
      } else if (k === 'c') copy();
      else if (k === 'v') {
        e.preventDefault();
        paste();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    setLeaveGuard(() => window.confirm('This rule has unsaved changes. Leave without saving them?'));
    return () => {
      window.removeEventListener('beforeunload', warn);
      setLeaveGuard(null);
    };
  }, [dirty]);

  const selected = nodes.find((n) => n.id === selectedId) ?? null;
  const selectedBlock = selected ? catalogMap.get(selected.data.blockType) : undefined;
  const status = saved?.status ?? 'DRAFT';

  return (
    <div className="editor">
      <Datalists />
      <header className="editor-bar">
        <h1 className="sr-only">
          {props.template ? 'Template' : 'Rule editor'}: {name || 'untitled rule'}
        </h1>
        <button className="btn ghost small" onClick={() => navigate(props.template ? '/templates' : '/rules')} aria-label="Back">
          <BackIcon />
        </button>
        <input className="title" aria-label="Rule name" value={name} readOnly={readOnly} onChange={(e) => setName(e.target.value)} />
        {props.template ? <span className="badge info">Template · read-only</span> : <StatusBadge status={status} />}
        {dirty && (
          <span className="muted small" role="status">
            Unsaved changes
          </span>
        )}
        <span className="spacer" />
        {!readOnly && (
          <>
            <button className="btn small icon-btn" onClick={doUndo} disabled={!history.past.length} title="Undo (Ctrl+Z)" aria-label="Undo">
              <UndoIcon />
            </button>
            <button
              className="btn small icon-btn"
              onClick={doRedo}
              disabled={!history.future.length}
              title="Redo (Ctrl+Shift+Z)"
              aria-label="Redo"
            >
              <RedoIcon />
            </button>
          </>
        )}
        <button className="btn small" onClick={() => setPaletteOpen(!paletteOpen)} aria-pressed={paletteOpen} aria-controls="block-palette">
          Blocks
        </button>
        <button className="btn small" onClick={() => setSideOpen(!sideOpen)} aria-pressed={sideOpen} aria-controls="rule-settings">
          Settings
        </button>
        <button className="btn small" onClick={layout} disabled={readOnly || !nodes.length}>
          Auto-layout
        </button>
        <button className="btn small" onClick={exportJson}>
          Export
        </button>
        {!readOnly && (
          <>
            <button className="btn small" onClick={() => fileInput.current?.click()}>
              Import
            </button>
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Import rule JSON"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importJson(f);
                e.target.value = '';
              }}
            />
          </>
        )}
        {saved && (
          <button className="btn small" onClick={() => setShowHistory(true)}>
            History
          </button>
        )}
        {saved && (
          <a className="btn small" {...linkProps(`/rules/${saved.id}/runs`)}>
            Runs
          </a>
        )}
        <button
          className={`btn small ${testing ? 'primary' : ''}`}
          onClick={() => {
            setTesting(!testing);
            if (testing) setTestResult(null);
          }}
          aria-pressed={testing}
        >
          Test
        </button>
        {props.template && can('RuleAuthor') && (
          <button className="btn small primary" onClick={() => setConfirmDuplicate(true)}>
            Duplicate
          </button>
        )}
        {!readOnly && (
          <>
            <button className="btn small" onClick={() => void save()} disabled={busy}>
              Save draft
            </button>
            {status !== 'ACTIVE' && saved?.pendingActivation && !dirty ? (
              <button className="btn small" onClick={() => void pause()} disabled={busy}>
                Withdraw activation
              </button>
            ) : status === 'ACTIVE' && !dirty ? (
              <button className="btn small" onClick={() => void pause()} disabled={busy}>
                Pause
              </button>
            ) : (
              <button
                className="btn small primary"
                onClick={() => void activate()}
                disabled={busy || local.length > 0}
                title={local.length ? 'Fix the problems shown on the canvas first' : 'Save and activate'}
              >
                Activate
              </button>
            )}
          </>
        )}
      </header>
      {saved?.pendingActivation && <PendingActivationBanner rule={saved} />}
      <div className={`editor-body${paletteOpen ? '' : ' no-palette'}${sideOpen ? '' : ' no-side'}`}>
        {!paletteOpen ? null : readOnly ? (
          <aside className="palette" id="block-palette">
            <p className="muted small">
              {props.template
                ? 'A community template: duplicate it to make a rule you can edit.'
                : 'Read-only: your role cannot edit rules.'}
            </p>
          </aside>
        ) : (
          <Palette catalog={props.catalog} onAdd={(t) => addBlock(t)} />
        )}
        <div className="canvas-wrap">
          <div
            className="canvas"
            onDrop={onDrop}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
            }}
            data-testid="canvas"
          >
            <CanvasContext.Provider value={view}>
              <ReactFlow<BlockNode, PortEdge>
                nodes={nodes}
                edges={styledEdges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                onNodeDragStop={() => setHistory((h) => record(h, { nodes, edges }))}
                onPaneClick={() => setSelectedId(null)}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                elementsSelectable
                deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
                fitView={initial.nodes.length > 0}
                fitViewOptions={READABLE_FIT}
                minZoom={0.2}
                maxZoom={1.5}
                defaultEdgeOptions={{ type: 'smoothstep' }}
                colorMode={document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'}
                aria-label="Rule canvas"
              >
                <Background gap={20} />
                <Controls />
                <MiniMap<BlockNode>
                  pannable
                  zoomable
                  ariaLabel="Minimap"
                  nodeColor={(n) => colorOf(catalogMap.get(n.data.blockType)?.category)}
                  nodeBorderRadius={4}
                />
              </ReactFlow>
            </CanvasContext.Provider>
            {nodes.length === 0 && (
              <div className="canvas-empty">
                <h2>Drag a trigger here to start</h2>
                <p>Then add conditions, an approval gate and actions, and connect their ports.</p>
              </div>
            )}
            {problems.rule.length > 0 && nodes.length > 0 && (
              <div className="rule-problems error-box small" role="note">
                {problems.rule.join(' ')}
              </div>
            )}
          </div>
          {testing && (
            <TestPanel
              definition={definition}
              outcome={outcome}
              organizations={viewer.organizations}
              ruleId={saved?.id ?? null}
              selected={testResult}
              onSelect={setTestResult}
              onClose={() => setTesting(false)}
            />
          )}
        </div>
        {sideOpen && (
          <aside className="side" id="rule-settings" aria-label="Settings">
            {selected && selectedBlock ? (
              <>
                <div>
                  <div className="block-kind" style={{ ['--cat' as string]: 'var(--accent)' }}>
                    {selectedBlock.category.toLowerCase()} · <span className="mono">{selected.id}</span>
                  </div>
                  <h2>{selectedBlock.displayName}</h2>
                  <p className="muted small">{selectedBlock.description}</p>
                  <p className="small">
                    Ports:{' '}
                    {selectedBlock.ports.map((p) => (
                      <code key={p} style={{ marginRight: 6 }}>
                        {p}
                      </code>
                    ))}
                  </p>
                </div>
                {(problems.byNode.get(selected.id)?.general ?? []).map((m, i) => (
                  <div key={i} className="error-box small" role="note">
                    {m}
                  </div>
                ))}
                <ConfigForm
                  block={selectedBlock}
                  nodeId={selected.id}
                  config={selected.data.config}
                  readOnly={readOnly}
                  errors={problems.byNode.get(selected.id)?.fields ?? {}}
                  onChange={(c) => updateConfig(selected.id, c)}
                />
                <PortConnections
                  nodeId={selected.id}
                  ports={selectedBlock.ports}
                  others={nodes.map((n) => n.id).filter((id) => id !== selected.id)}
                  edges={edges}
                  readOnly={readOnly}
                  onConnect={(port, target) => onConnect({ source: selected.id, sourceHandle: port, target, targetHandle: null })}
                  onDisconnect={(id) => onEdgesChange([{ type: 'remove', id }])}
                />
                {!readOnly && (
                  <button className="btn small danger" onClick={() => onNodesChange([{ type: 'remove', id: selected.id }])}>
                    Delete block
                  </button>
                )}
              </>
            ) : (
              <>
                <h2>Rule</h2>
                <label className="field">
                  Description
                  <textarea value={description} readOnly={readOnly} onChange={(e) => setDescription(e.target.value)} rows={3} />
                </label>
                <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
                  <legend style={{ fontWeight: 600, fontSize: 13, padding: 0, marginBottom: 4 }}>Response outcome</legend>
                  {OUTCOMES.map((o) => (
                    <label key={o} className="check">
                      <input
                        type="radio"
                        name="outcome"
                        value={o}
                        checked={outcome === o}
                        disabled={readOnly}
                        onChange={() => setOutcome(o)}
                      />
                      <span>
                        <strong>{outcomeLabel[o]}</strong>
                        <br />
                        <span className="help">
                          {o === 'ALERT_ONLY'
                            ? 'Raise an alert; never act.'
                            : o === 'MANUAL_APPROVAL'
                              ? 'Actions wait for an approver.'
                              : 'Run actions as soon as conditions match.'}
                        </span>
                      </span>
                    </label>
                  ))}
                </fieldset>
                <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
                  <legend style={{ fontWeight: 600, fontSize: 13, padding: 0, marginBottom: 4 }}>Scope</legend>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={scope.length === 0}
                      disabled={readOnly}
                      onChange={() => setScope(scope.length ? [] : viewer.organizations.slice(0, 1).map((o) => o.id))}
                    />
                    All my organizations
                  </label>
                  {scope.length > 0 &&
                    viewer.organizations.map((o) => (
                      <label key={o.id} className="check">
                        <input
                          type="checkbox"
                          disabled={readOnly}
                          checked={scope.includes(o.id)}
                          onChange={() => setScope(scope.includes(o.id) ? scope.filter((x) => x !== o.id) : [...scope, o.id])}
                        />
                        {o.name}
                      </label>
                    ))}
                </fieldset>
                <section aria-label="Problems">
                  <h3>Problems {problems.count > 0 && <span className="badge danger plain">{problems.count}</span>}</h3>
                  {problems.count === 0 ? (
                    <p className="small" style={{ color: 'var(--ok)' }} data-testid="no-problems">
                      <CheckIcon /> Ready to activate
                    </p>
                  ) : (
                    <ul className="small" style={{ paddingLeft: 16, margin: 0 }} data-testid="problem-list">
                      {problems.rule.map((m, i) => (
                        <li key={`r${i}`}>{m}</li>
                      ))}
                      {[...problems.byNode].map(([id, p]) =>
                        [...p.general, ...Object.entries(p.fields).flatMap(([f, ms]) => ms.map((m) => `${f}: ${m}`))].map((m, i) => (
                          <li key={`${id}${i}`}>
                            <button
                              className="btn ghost small"
                              style={{ padding: 0 }}
                              onClick={() => {
                                setSelectedId(id);
                                setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id })));
                              }}
                            >
                              <code>{id}</code>
                            </button>{' '}
                            {m}
                          </li>
                        )),
                      )}
                    </ul>
                  )}
                </section>
                <p className="muted small">
                  Shortcuts: Delete removes, Ctrl+C/V copy and paste, Ctrl+Z/Ctrl+Shift+Z undo and redo, Ctrl+S saves. Palette blocks can be
                  added with Enter.
                </p>
              </>
            )}
            <ErrorBox error={saveError} />
          </aside>
        )}
      </div>
      {showHistory && saved && (
        <HistoryDialog
          rule={saved}
          catalog={props.catalog}
          onClose={() => setShowHistory(false)}
          onRestore={(d: RuleDefinition) => {
            commit(toFlow(d, props.catalog));
            setShowHistory(false);
            toast('Version loaded into the canvas; save to keep it');
          }}
        />
      )}
      {confirmDuplicate && props.template && (
        <DuplicateTemplateDialog template={props.template} onClose={() => setConfirmDuplicate(false)} />
      )}
    </div>
  );
}

function parseDefinitionOrEmpty(json: unknown): RuleDefinition {
  const p = parseDefinition(json);
  if (!('definition' in p)) return emptyDefinition();
  return { ...p.definition, nodes: p.definition.nodes.map((n) => ({ ...n, position: n.position ?? { x: 0, y: 0 } })) };
}

/** Change control: the version waiting for a second person, what keeps running meanwhile, and what would change. */
function PendingActivationBanner(props: { rule: Rule }) {
  const pending = props.rule.pendingActivation;
  const [open, setOpen] = useState(false);
  if (!pending) return null;
  const running = props.rule.status === 'ACTIVE' && props.rule.runningVersion !== null;
  return (
    <div className="notice small" role="status" data-testid="pending-activation" style={{ margin: '6px 12px' }}>
      <div className="row">
        <span>
          <strong>Waiting for approval:</strong> version {pending.ruleVersion} runs only once a different Admin or Approver approves it
          (requested by {pending.requestedBy}).{' '}
          {running ? `Version ${props.rule.runningVersion} keeps running until then.` : 'The rule does not run until then.'}
        </span>
        <span className="spacer" />
        <button className="btn small ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide changes' : 'Show changes'}
        </button>
      </div>
      {open && <RuleActivationDiff diff={pending.ruleDiff} />}
    </div>
  );
}
