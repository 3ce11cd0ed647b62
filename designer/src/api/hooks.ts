import { useCallback, useEffect, useRef, useState } from 'react';
import { gql, onLiveChange, subscribe } from './respondClient';
import type { TypedDocumentString } from './generated/graphql';

export interface QueryState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Whether `data` answers the current variables (false while a page, filter or order change is on its way). */
  current: boolean;
  reload: () => Promise<void>;
  setData: (d: T | null) => void;
}

/** Runs a query when its variables change; `reload` runs it again. */
export function useQuery<T, V>(query: TypedDocumentString<T, V>, variables?: V, skip = false): QueryState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(!skip);
  const key = JSON.stringify(variables ?? {});
  const [dataKey, setDataKey] = useState<string | null>(null);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    if (skip) return;
    const mine = ++seq.current;
    setLoading(true);
    try {
      const result = await gql(query, JSON.parse(key) as V);
      if (mine === seq.current) {
        setData(result);
        setDataKey(key);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [query, key, skip]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, current: dataKey === key, reload, setData };
}

/** A live subscription for the life of the component. */
export function useSubscription<T, V>(query: TypedDocumentString<T, V>, variables: V, onData: (data: T) => void, enabled = true): void {
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    return subscribe(query, JSON.parse(key) as V, (d) => handler.current(d));
  }, [query, key, enabled]);
}

/** Runs a mutation and returns its payload (the result's `field`); payload `errors` are returned, not thrown. */
export async function mutate<K extends string, T extends Record<K, unknown>, I>(
  query: TypedDocumentString<T, { input: I }>,
  input: I,
  field: K,
): Promise<T[K]> {
  const data = await gql(query, { input });
  return data[field];
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/**
 * Whether the live channel (graphql-ws) is connected. `onConnected` runs each time it connects or reconnects while
 * the screen is shown, so the screen can catch up on what happened while it was not listening (between its first
 * load and its subscription, or during an outage); a channel already up when the screen opens needs no catch-up.
 */
export function useLive(onConnected?: () => void): boolean {
  const [isLive, setIsLive] = useState(false);
  const handler = useRef(onConnected);
  handler.current = onConnected;
  useEffect(() => {
    let initial = true;
    return onLiveChange((value) => {
      setIsLive(value);
      if (value && !initial) handler.current?.();
      initial = false;
    });
  }, []);
  return isLive;
}

export interface CursorPages {
  /** The cursor to read the shown page after (null: the first page). */
  after: string | null;
  /** The zero-based number of the shown page. */
  index: number;
  next: (endCursor: string | null | undefined) => void;
  previous: () => void;
}

/** Forward cursor paging with a way back: the cursors of the pages already passed, started afresh when `resetKey` changes. */
export function useCursorPages(resetKey: string): CursorPages {
  const [state, setState] = useState<{ key: string; cursors: (string | null)[] }>({ key: resetKey, cursors: [null] });
  const cursors = state.key === resetKey ? state.cursors : [null];
  if (state.key !== resetKey) setState({ key: resetKey, cursors });
  return {
    after: cursors[cursors.length - 1] ?? null,
    index: cursors.length - 1,
    next: (endCursor) => endCursor && setState({ key: resetKey, cursors: [...cursors, endCursor] }),
    previous: () => cursors.length > 1 && setState({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}

/** `fn` at most once per `ms`, at the end: a burst of live events (a bulk decision's hundred) becomes one reload. */
export function useCoalesced(fn: () => void, ms = 400): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}
