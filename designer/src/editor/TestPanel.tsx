import { useEffect, useState } from 'react';
import { gql } from '../api/respondClient';
import { BACKTEST, BACKTEST_RULE, TEST_RULE } from '../api/queries';
import type { Backtest, Json, Organization, RuleOutcome, TestEventResult } from '../api/types';
import { testResultOf, textOf } from '../api/types';
import type { EventInput } from '../api/generated/graphql';
import type { RuleDefinition } from '../rules/definition';
import { sampleEvents } from '../rules/sampleEvents';
import { mostTelling, outcomeOf } from '../rules/testOutcome';
import { CloseIcon } from '../components/icons';
import { RunPath } from '../components/RunPath';
import { thrownErrorText } from '../rules/userErrors';
import { ErrorBox, errorText, humanEnum } from '../components/ui';

interface Props {
  definition: RuleDefinition;
  outcome: RuleOutcome;
  organizations: Organization[];
  ruleId: string | null;
  selected: TestEventResult | null;
  onSelect: (r: TestEventResult | null) => void;
  onClose: () => void;
}

/** Dry runs (testRule) with the path drawn on the canvas, and backtests over stored events. */
export function TestPanel(props: Props) {
  const [tab, setTab] = useState<'test' | 'backtest'>('test');
  const [org, setOrg] = useState(props.organizations[0]?.id ?? '');
  const [events, setEvents] = useState(() => JSON.stringify(sampleEvents(props.definition, props.organizations[0]?.id ?? 'org'), null, 2));
  const [results, setResults] = useState<TestEventResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [height, setHeight] = useState(() => Math.round(window.innerHeight * 0.4));

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const parsed = JSON.parse(events) as Json;
      const list = Array.isArray(parsed) ? parsed : [parsed];
      // The server validates each event and names the field it refuses.
      const r = await gql(TEST_RULE, {
        input: { definition: props.definition, outcome: props.outcome, events: list as unknown as EventInput[] },
      });
      if (r.testRule.errors.length) {
        setError(errorText(r.testRule.errors));
        setResults(null);
        props.onSelect(null);
        return;
      }
      const tested = r.testRule.results.map(testResultOf);
      setResults(tested);
      const firstInteresting = mostTelling(tested);
      props.onSelect(firstInteresting);
    } catch (e) {
      setError(e instanceof SyntaxError ? `The events are not valid JSON: ${e.message}` : thrownErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="drawer" aria-label="Test and backtest" style={{ height }}>
      <DrawerResizeHandle height={height} onResize={setHeight} />
      <div className="row" style={{ marginBottom: 8 }}>
        <div className="tabs" role="tablist" style={{ marginBottom: 0, borderBottom: 0 }}>
          <button role="tab" aria-selected={tab === 'test'} onClick={() => setTab('test')}>
            Test with sample events
          </button>
          <button role="tab" aria-selected={tab === 'backtest'} onClick={() => setTab('backtest')}>
            Backtest
          </button>
        </div>
        <span className="spacer" />
        <button
          className="btn small ghost"
          onClick={() => {
            props.onSelect(null);
            props.onClose();
          }}
          aria-label="Close test panel"
        >
          <CloseIcon />
        </button>
      </div>
      {tab === 'test' ? (
        <div className="split">
          <div className="stack">
            <div className="row">
              <label className="field" style={{ flex: 1 }}>
                Organization
                <select
                  value={org}
                  onChange={(e) => {
                    setOrg(e.target.value);
                    setEvents(JSON.stringify(sampleEvents(props.definition, e.target.value), null, 2));
                  }}
                >
                  {props.organizations.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </label>
              <button
                className="btn small"
                style={{ alignSelf: 'end' }}
                onClick={() => setEvents(JSON.stringify(sampleEvents(props.definition, org), null, 2))}
              >
                Generate samples
              </button>
            </div>
            <label className="field">
              Events (JSON array, run in order)
              <textarea
                className="code"
                style={{ minHeight: 160 }}
                value={events}
                onChange={(e) => setEvents(e.target.value)}
                spellCheck={false}
              />
            </label>
            <div className="row">
              <button className="btn primary" disabled={busy} onClick={() => void run()}>
                {busy ? 'Running…' : 'Run test'}
              </button>
              <span className="muted small">Dry run: nothing is stored, raised or dispatched.</span>
            </div>
            <ErrorBox error={error} />
          </div>
          <div className="stack" aria-live="polite">
            {results === null ? (
              <p className="muted">Run the test to see the path each event takes; pick a result to highlight it on the canvas.</p>
            ) : (
              <>
                <h3>
                  {results.length} events · {results.filter((r) => r.triggered).length} triggered
                </h3>
                <div className="stack" style={{ gap: 4 }}>
                  {results.map((r) => (
                    <button
                      key={r.eventId}
                      className="result-row"
                      aria-pressed={props.selected?.eventId === r.eventId}
                      onClick={() => props.onSelect(r)}
                      data-testid={`result-${r.eventId}`}
                    >
                      <span className="mono">{r.eventId}</span>
                      <span className={`badge ${outcomeOf(r).tone}`}>{outcomeOf(r).label}</span>
                      <span className="muted small">{r.path.map((s) => s.nodeId).join(' → ')}</span>
                      {r.error && <span className="field-error">{r.error}</span>}
                    </button>
                  ))}
                </div>
                {props.selected && <Outcome result={props.selected} />}
              </>
            )}
          </div>
        </div>
      ) : (
        <BacktestTab {...props} />
      )}
    </section>
  );
}

function Outcome({ result }: { result: TestEventResult }) {
  const count = (j: Json) => (Array.isArray(j) ? j.length : 0);
  return (
    <div className="card small">
      <strong>{result.eventId}</strong>: {count(result.alerts)} alerts, {count(result.actions)} direct actions,{' '}
      {count(result.approvalRequests)} approval requests.
      <RunPath steps={result.path} />
    </div>
  );
}

interface DayRow {
  day: string;
  alerts: number;
  actions: number;
  events: number;
}

export function perDayRows(perDay: Json): DayRow[] {
  const num = (v: Json | undefined) => (typeof v === 'number' ? v : 0);
  if (Array.isArray(perDay))
    return perDay.flatMap((d) =>
      d && typeof d === 'object' && !Array.isArray(d)
        ? [
            {
              day: textOf(d.day ?? d.date),
              alerts: num(d.alerts ?? d.alertCount),
              actions: num(d.actions ?? d.actionCount),
              events: num(d.events ?? d.triggered ?? d.matches),
            },
          ]
        : [],
    );
  if (perDay && typeof perDay === 'object')
    return Object.entries(perDay).map(([day, d]) =>
      d && typeof d === 'object' && !Array.isArray(d)
        ? { day, alerts: num(d.alerts), actions: num(d.actions), events: num(d.events ?? d.triggered) }
        : { day, alerts: num(d), actions: 0, events: 0 },
    );
  return [];
}

function BacktestTab(props: Props) {
  const today = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const [from, setFrom] = useState(iso(new Date(today.getTime() - 7 * 86400_000)));
  const [to, setTo] = useState(iso(new Date(today.getTime() + 86400_000)));
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (backtest?.status !== 'RUNNING') return;
    const t = setTimeout(() => {
      gql(BACKTEST, { id: backtest.id })
        .then((r) => r.backtest && setBacktest(r.backtest))
        .catch((e: unknown) => setError(String(e)));
    }, 1000);
    return () => clearTimeout(t);
  }, [backtest]);

  const run = async () => {
    setError(null);
    const r = await gql(BACKTEST_RULE, {
      input: { definition: props.definition, outcome: props.outcome, from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` },
    });
    if (r.backtestRule.errors.length) setError(errorText(r.backtestRule.errors));
    else setBacktest(r.backtestRule.backtest);
  };
  const rows = backtest ? perDayRows(backtest.perDay) : [];
  const max = Math.max(1, ...rows.map((r) => r.alerts + r.actions));
  return (
    <div className="stack">
      <div className="row">
        <label className="field">
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button className="btn primary" style={{ alignSelf: 'end' }} onClick={() => void run()} disabled={backtest?.status === 'RUNNING'}>
          Run backtest
        </button>
        <span className="muted small" style={{ alignSelf: 'end' }}>
          Replays stored events of the period; nothing is raised or dispatched.
        </span>
      </div>
      <ErrorBox error={error ?? backtest?.error} />
      {backtest && (
        <div className="stack">
          <div className="row">
            <span className={`badge ${backtest.status === 'COMPLETED' ? 'ok' : 'info'}`}>
              {humanEnum(backtest.status)} {backtest.status === 'RUNNING' ? `${Math.round(backtest.progress * 100)}%` : ''}
            </span>
            <span>
              {backtest.processedEvents}/{backtest.totalEvents} events · {backtest.triggeredEvents} triggered · {backtest.alertCount} alerts
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="muted">No matches in this period.</p>
          ) : (
            <figure style={{ margin: 0 }}>
              <div
                className="bars"
                role="img"
                aria-label={`Alerts and actions per day: ${rows.map((r) => `${r.day} ${r.alerts} alerts ${r.actions} actions`).join('; ')}`}
              >
                {rows.map((r) => (
                  <div className="bar" key={r.day} title={`${r.day}: ${r.alerts} alerts, ${r.actions} actions`} style={{ height: '100%' }}>
                    <span style={{ height: `${(r.alerts / max) * 100}%`, background: 'var(--alert)' }} />
                    <span style={{ height: `${(r.actions / max) * 100}%`, background: 'var(--action)' }} />
                  </div>
                ))}
              </div>
              <figcaption className="row small muted">
                <span>
                  <span className="swatch" style={{ display: 'inline-block', background: 'var(--alert)' }} /> alerts
                </span>
                <span>
                  <span className="swatch" style={{ display: 'inline-block', background: 'var(--action)' }} /> actions
                </span>
                <span>
                  {rows[0]?.day} … {rows[rows.length - 1]?.day}
                </span>
              </figcaption>
            </figure>
          )}
        </div>
      )}
    </div>
  );
}

/** The drawer's top edge: drag it (or focus it and press the arrow keys) to give the canvas or the results more room. */
function DrawerResizeHandle(props: { height: number; onResize: (height: number) => void }) {
  const clamp = (h: number) => Math.round(Math.min(window.innerHeight * 0.8, Math.max(140, h)));
  const start = (e: React.PointerEvent<HTMLButtonElement>) => {
    const fromY = e.clientY;
    const fromHeight = props.height;
    const move = (m: PointerEvent) => props.onResize(clamp(fromHeight + fromY - m.clientY));
    const stop = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', stop);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', stop);
  };
  return (
    <button
      type="button"
      className="drawer-resize"
      aria-label="Resize the test drawer (arrow keys)"
      onPointerDown={start}
      onKeyDown={(e) => {
        if (e.key === 'ArrowUp') props.onResize(clamp(props.height + 24));
        if (e.key === 'ArrowDown') props.onResize(clamp(props.height - 24));
      }}
    />
  );
}
