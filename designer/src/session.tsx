import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { RespondSettings, Viewer } from './api/types';

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

export interface Session {
  viewer: Viewer;
  settings: RespondSettings;
  setSettings: (s: RespondSettings) => void;
  reloadSession: () => Promise<void>;
  can: (...roles: string[]) => boolean;
  toast: (text: string, kind?: 'ok' | 'error') => void;
  /** An organization's display name (its id when the viewer cannot see it). */
  orgName: (id: string) => string;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function SessionProvider(props: { viewer: Viewer; settings: RespondSettings; reload: () => Promise<void>; children: ReactNode }) {
  const [settings, setSettings] = useState(props.settings);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toast = useCallback((text: string, kind: 'ok' | 'error' = 'ok') => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
  }, []);
  const roles = props.viewer.roles;
  const value = useMemo<Session>(
    () => ({
      viewer: props.viewer,
      settings: settings.version >= props.settings.version ? settings : props.settings,
      setSettings,
      reloadSession: props.reload,
      can: (...wanted) => roles.includes('Admin') || wanted.some((r) => roles.includes(r)),
      toast,
      orgName: (id) => props.viewer.organizations.find((o) => o.id === id)?.name ?? id,
    }),
    [props.viewer, props.settings, props.reload, settings, roles, toast],
  );
  return (
    <SessionContext.Provider value={value}>
      {props.children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.kind}`} data-testid="toast">
            {t.text}
          </div>
        ))}
      </div>
    </SessionContext.Provider>
  );
}
