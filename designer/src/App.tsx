import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { completeSignIn, isSignedIn, signOut, startSignIn } from './api/respondClient';
import { APPROVAL_DECIDED, APPROVAL_REQUESTED, PENDING_APPROVAL_COUNT, SESSION } from './api/queries';
import { useCoalesced, useQuery, useSubscription } from './api/hooks';
import { linkProps, match, navigate, usePath } from './router';
import { SessionProvider, useSession } from './session';
import { ErrorBox, Loading } from './components/ui';
import { MoonIcon, SunIcon } from './components/icons';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { TurnOnPage } from './pages/TurnOnPage';
import { RulesPage } from './pages/RulesPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { AlertsPage } from './pages/AlertsPage';
import { AlertDetailPage } from './pages/AlertDetailPage';
import { RuleRunsPage } from './pages/RuleRunsPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { ApprovalDecisionPage } from './pages/ApprovalDecisionPage';
import { ActionsPage } from './pages/ActionsPage';
import { AuditPage } from './pages/AuditPage';
import { SettingsPage } from './pages/SettingsPage';
import { PeoplePage } from './pages/PeoplePage';
import { WebhooksPage } from './pages/WebhooksPage';
import { IntegrationsPage } from './pages/IntegrationsPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { SlackLinkPage } from './pages/SlackLinkPage';
import { WebhookDeliveriesPage } from './pages/WebhookDeliveriesPage';
import { landingFor, roleName } from './labels';

// The canvas and GraphiQL are the heavy parts: loaded when first opened.
const RuleEditorPage = lazy(() => import('./editor/RuleEditorPage'));
const ExplorerPage = lazy(() => import('./pages/ExplorerPage'));

export function App() {
  const path = usePath();
  const [ready, setReady] = useState(path !== '/auth/callback' && isSignedIn());
  const [authError, setAuthError] = useState<string | null>(null);

  useEffect(() => {
    if (path === '/auth/callback') {
      completeSignIn(location.search)
        .then((to) => {
          setReady(true);
          navigate(to, true);
        })
        .catch((e: unknown) => setAuthError(e instanceof Error ? e.message : String(e)));
    } else if (!isSignedIn()) {
      void startSignIn();
    }
  }, [path]);

  if (authError)
    return (
      <div className="page">
        <h1>Sign-in failed</h1>
        <ErrorBox error={authError} />
        <p>
          <button className="btn primary" onClick={() => void startSignIn('/')}>
            Sign in again
          </button>
        </p>
      </div>
    );
  if (!ready)
    return (
      <div className="page">
        <Loading />
      </div>
    );
  return <SignedIn />;
}

function SignedIn() {
  const session = useQuery(SESSION);
  const reload = session.reload;
  if (session.error && !session.data)
    return (
      <div className="page">
        <h1>Respond</h1>
        <ErrorBox error={session.error} onRetry={() => void reload()} />
      </div>
    );
  if (!session.data)
    return (
      <div className="page">
        <Loading />
      </div>
    );
  return (
    <SessionProvider viewer={session.data.viewer} settings={session.data.respondSettings} reload={reload}>
      <Shell />
    </SessionProvider>
  );
}

function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme ?? 'light');
  const toggle = useCallback(() => {
    const next = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('respond.theme', next);
    setTheme(next);
  }, [theme]);
  return [theme, toggle];
}

function NavLink(props: { to: string; label: string; count?: number }) {
  const path = usePath();
  const active = path === props.to || (props.to !== '/' && path.startsWith(props.to + '/'));
  return (
    <a {...linkProps(props.to)} aria-current={active ? 'page' : undefined}>
      <span>{props.label}</span>
      {props.count ? (
        <span className="count" aria-label={`${props.count} pending`}>
          {props.count}
        </span>
      ) : null}
    </a>
  );
}

function PendingCount(): number {
  const { data, reload } = useQuery(PENDING_APPROVAL_COUNT);
  const refresh = useCoalesced(() => void reload());
  useSubscription(APPROVAL_REQUESTED, {}, refresh);
  useSubscription(APPROVAL_DECIDED, {}, refresh);
  return data?.approvalRequests.totalCount ?? 0;
}

function Shell() {
  const { viewer, settings, can } = useSession();
  const path = usePath();
  const [theme, toggleTheme] = useTheme();
  const pending = PendingCount();

  useEffect(() => {
    if (path === '/') navigate(landingFor(viewer.roles, settings.enabled), true);
  }, [path, settings.enabled, viewer.roles]);

  return (
    <div className="shell">
      <a className="sr-only" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            R
          </span>
          Respond
        </div>
        <div className="nav">
          <div className="nav-group">Respond</div>
          {!settings.enabled && <NavLink to="/turn-on" label="Turn on Respond" />}
          <NavLink to="/connections" label="Manage Connections" />
          <NavLink to="/rules" label="Rules" />
          <NavLink to="/templates" label="Community Templates" />
          <div className="nav-group">Operations</div>
          <NavLink to="/alerts" label="Alerts" />
          <NavLink to="/approvals" label="Approvals" count={pending} />
          <NavLink to="/actions" label="Response actions" />
          <NavLink to="/audit" label="Audit trail" />
          <div className="nav-group">Workspace</div>
          {can('Admin') && <NavLink to="/people" label="People" />}
          {can('Admin') && <NavLink to="/settings" label="Settings" />}
          {can('Admin') && <NavLink to="/webhooks" label="Webhooks" />}
          {can('Admin') && <NavLink to="/integrations" label="Chat integrations" />}
          <NavLink to="/notifications" label="My notifications" />
          <NavLink to="/explorer" label="API explorer" />
        </div>
        <div className="sidebar-foot">
          <div className="small">
            <strong data-testid="viewer-name">{viewer.name}</strong>
            <div className="muted">{viewer.roles.map(roleName).join(', ')}</div>
          </div>
          <div className="row">
            <button className="btn small" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
              {theme === 'dark' ? (
                <>
                  <SunIcon /> Light
                </>
              ) : (
                <>
                  <MoonIcon /> Dark
                </>
              )}
            </button>
            <button className="btn small" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
      </nav>
      <main className="main" id="main">
        <Suspense
          fallback={
            <div className="page">
              <Loading />
            </div>
          }
        >
          <Routes path={path} />
        </Suspense>
      </main>
    </div>
  );
}

function Routes({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '/turn-on') return <TurnOnPage />;
  if (path === '/connections') return <ConnectionsPage />;
  if (path === '/rules') return <RulesPage />;
  if (path === '/rules/new') return <RuleEditorPage key="new" />;
  if ((m = match('/rules/:id/runs', path))) return <RuleRunsPage key={m.id} ruleId={m.id ?? ''} />;
  if ((m = match('/rules/:id', path))) return <RuleEditorPage key={m.id} ruleId={m.id} />;
  if (path === '/templates') return <TemplatesPage />;
  if ((m = match('/templates/:id', path))) return <RuleEditorPage key={`t-${m.id}`} templateId={m.id} />;
  if (path === '/alerts') return <AlertsPage />;
  if ((m = match('/alerts/:id', path))) return <AlertDetailPage key={m.id} alertId={m.id ?? ''} />;
  if (path === '/approvals') return <ApprovalsPage />;
  if ((m = match('/approvals/:id', path))) return <ApprovalDecisionPage key={m.id} requestId={m.id ?? ''} />;
  if (path === '/actions') return <ActionsPage />;
  if ((m = match('/actions/:id', path))) return <ActionsPage actionId={m.id} />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/people') return <PeoplePage />;
  if (path === '/webhooks') return <WebhooksPage />;
  if (path === '/integrations') return <IntegrationsPage />;
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/link/slack') return <SlackLinkPage />;
  if ((m = match('/webhooks/:id', path))) return <WebhookDeliveriesPage key={m.id} subscriptionId={m.id ?? ''} />;
  if (path === '/explorer') return <ExplorerPage />;
  if (path === '/') return null;
  return (
    <div className="page">
      <h1>Not found</h1>
      <p className="muted">There is no page at {path}.</p>
      <a {...linkProps('/connections')}>Go to Manage Connections</a>
    </div>
  );
}
