import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { RuleOutcome, Severity } from '../api/types';
import type { CursorPages } from '../api/hooks';

export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{props.title}</h2>
      {props.children}
    </div>
  );
}

export function ErrorBox(props: { error: string | null | undefined; onRetry?: () => void }) {
  if (!props.error) return null;
  return (
    <div className="error-box" role="alert">
      {props.error}{' '}
      {props.onRetry && (
        <button className="btn small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** A modal <dialog>: focus is trapped by the browser, Escape closes it. */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId(); // unique: a dialog may open another one above it
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className={props.wide ? 'wide' : undefined} onClose={props.onClose} aria-labelledby={titleId}>
      {props.open && (
        <div className="stack">
          <h2 id={titleId}>{props.title}</h2>
          {props.children}
          {props.footer && (
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              {props.footer}
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}

/** A dialog's footer: a way out (Cancel) and the dialog's one action. */
export function DialogButtons(props: {
  onCancel: () => void;
  cancel?: string;
  submit: ReactNode;
  onSubmit: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  return (
    <>
      <button className="btn" onClick={props.onCancel}>
        {props.cancel ?? 'Cancel'}
      </button>
      <button className={`btn ${props.danger ? 'danger solid' : 'primary'}`} disabled={props.disabled} onClick={props.onSubmit}>
        {props.submit}
      </button>
    </>
  );
}

export function Confirm(props: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal
      open={props.open}
      title={props.title}
      onClose={props.onCancel}
      footer={<DialogButtons onCancel={props.onCancel} submit={props.confirm} onSubmit={props.onConfirm} danger={props.danger} />}
    >
      <div>{props.body}</div>
    </Modal>
  );
}

/** A secret the server issued, shown this once: it cannot be read again. */
export function SecretDialog(props: { secret: string | null; title: string; onClose: () => void; children?: ReactNode }) {
  return (
    <Modal
      open={props.secret !== null}
      title={props.title}
      onClose={props.onClose}
      footer={
        <button className="btn primary" onClick={props.onClose}>
          I have stored it
        </button>
      }
    >
      <p>Copy it now: it is shown only this once and cannot be read again.</p>
      {props.children}
      <code className="mono wrap-anywhere" data-testid="issued-secret">
        {props.secret}
      </code>
    </Modal>
  );
}

const statusTone: Record<string, string> = {
  HEALTHY: 'ok',
  ACTIVE: 'ok',
  COMPLETED: 'ok',
  APPROVED: 'ok',
  PASSED: 'ok',
  CLOSED: 'plain',
  NEEDS_ATTENTION: 'warn',
  PAUSED: 'warn',
  PENDING: 'warn',
  PENDING_APPROVAL: 'warn',
  QUEUED: 'info',
  EXECUTING: 'info',
  ACKNOWLEDGED: 'info',
  NEW: 'danger',
  BROKEN: 'danger',
  FAILED: 'danger',
  REJECTED: 'danger',
  EXPIRED: 'plain',
  CANCELLED: 'plain',
  DRAFT: 'plain',
  NOT_CONNECTED: 'plain',
  DISABLED: 'plain',
  REVOKED: 'danger',
};

export function humanEnum(value: string): string {
  const s = value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Server text with enum codes in it ("ISOLATE_DEVICE requires…") read with the codes in words ("Isolate device requires…"). */
export function withEnumsInWords(text: string): string {
  return text.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (code) => humanEnum(code));
}

/** The options of a select over enum values, in words; with `any`, an option '' of that label first. */
export function EnumOptions(props: { values: readonly string[]; any?: string }) {
  return (
    <>
      {props.any !== undefined && <option value="">{props.any}</option>}
      {props.values.map((v) => (
        <option key={v} value={v}>
          {humanEnum(v)}
        </option>
      ))}
    </>
  );
}

export function StatusBadge(props: { status: string }) {
  return (
    <span className={`badge ${statusTone[props.status] ?? ''}`} data-status={props.status}>
      {humanEnum(props.status)}
    </span>
  );
}

const severityTone: Record<Severity, string> = { INFORMATIONAL: 'plain', LOW: 'info', MEDIUM: 'warn', HIGH: 'danger', CRITICAL: 'danger' };
export function SeverityBadge(props: { severity: Severity }) {
  return <span className={`badge ${severityTone[props.severity]}`}>{humanEnum(props.severity)}</span>;
}

export const outcomeLabel: Record<RuleOutcome, string> = {
  ALERT_ONLY: 'Alert only',
  MANUAL_APPROVAL: 'Manual approval',
  AUTOMATIC: 'Automatic execution',
};

export function OutcomeBadge(props: { outcome: RuleOutcome }) {
  return <span className="badge plain">{outcomeLabel[props.outcome]}</span>;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return when(iso);
}

export function countdown(iso: string, now: number): string {
  const s = Math.max(0, Math.round((new Date(iso).getTime() - now) / 1000));
  if (s === 0) return 'expired';
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = s % 60;
  return h ? `${h}h ${m}m` : `${m}m ${String(sec).padStart(2, '0')}s`;
}

export function errorText(errors: { message: string }[]): string {
  return errors.map((e) => e.message).join(' ');
}

/** The state of the live channel, as a badge: "Live" once connected, "Connecting…" before and during outages. */
export function LiveBadge(props: { live: boolean }) {
  return (
    <span className={`badge ${props.live ? 'ok' : 'warn'}`} data-live={props.live} aria-live="polite">
      {props.live ? 'Live' : 'Connecting…'}
    </span>
  );
}

/** The paging fields every paged connection returns. */
export interface PagedConnection {
  totalCount?: number | null;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** "1–100 of 698" for the shown page of a connection read through `pages`, with Previous/Next. */
export function Pager(props: {
  label: string;
  pages: CursorPages;
  size: number;
  /** How many rows the shown page has. */
  shown: number;
  connection: PagedConnection | null | undefined;
  /** False while the shown rows are still those of another page. */
  current: boolean;
}) {
  const { pages, connection } = props;
  const from = props.shown === 0 ? 0 : pages.index * props.size + 1;
  const to = pages.index * props.size + props.shown;
  return (
    <nav className="row pager" aria-label={`${props.label} pages`}>
      <span className="small" data-testid="page-range" aria-busy={!props.current}>
        {props.current ? `${from}–${to} of ${connection?.totalCount ?? '?'}` : 'Loading…'}
      </span>
      <span className="spacer" />
      <button className="btn small" disabled={pages.index === 0} onClick={pages.previous}>
        Previous
      </button>
      <button className="btn small" disabled={!connection?.pageInfo.hasNextPage} onClick={() => pages.next(connection?.pageInfo.endCursor)}>
        Next
      </button>
    </nav>
  );
}

/** A column heading; `hidden` ones are read by screen readers only (a column of buttons or check boxes). */
export type Column = string | { hidden: string };

/** The designer's data table: its headings from `columns`, its rows the children. */
export function DataTable(props: { columns: readonly Column[]; label?: string; children: ReactNode }) {
  return (
    <table className="data" aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((c) =>
            typeof c === 'string' ? (
              <th key={c}>{c}</th>
            ) : (
              <th key={c.hidden}>
                <span className="sr-only">{c.hidden}</span>
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
