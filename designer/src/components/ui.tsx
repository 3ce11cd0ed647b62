import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { RuleOutcome, Severity } from '../api/types';

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
      footer={
        <>
          <button className="btn" onClick={props.onCancel}>
            Cancel
          </button>
          <button className={`btn ${props.danger ? 'danger solid' : 'primary'}`} onClick={props.onConfirm}>
            {props.confirm}
          </button>
        </>
      }
    >
      <div>{props.body}</div>
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

/** "1–100 of 698" for the page at `index` of `size` rows, with Previous/Next. */
export function Pager(props: {
  index: number;
  size: number;
  shown: number;
  total: number | null | undefined;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  label: string;
  /** False while the shown rows are still those of another page. */
  current: boolean;
}) {
  const from = props.shown === 0 ? 0 : props.index * props.size + 1;
  const to = props.index * props.size + props.shown;
  return (
    <nav className="row pager" aria-label={`${props.label} pages`}>
      <span className="small" data-testid="page-range" aria-busy={!props.current}>
        {props.current ? `${from}–${to} of ${props.total ?? '?'}` : 'Loading…'}
      </span>
      <span className="spacer" />
      <button className="btn small" disabled={props.index === 0} onClick={props.onPrevious}>
        Previous
      </button>
      <button className="btn small" disabled={!props.hasNext} onClick={props.onNext}>
        Next
      </button>
    </nav>
  );
}
