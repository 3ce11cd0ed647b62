import { useMemo } from 'react';
import { GraphiQL } from 'graphiql';
import type { Fetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { accessToken, explorerTransport } from '../api/respondClient';

/** GraphiQL on the signed-in session's token; subscriptions go over the designer's own graphql-ws client. */
export default function ExplorerPage() {
  const fetcher = useMemo<Fetcher>(() => {
    const { ws } = explorerTransport();
    return (params) => {
      if (/^\s*subscription\b/m.test(params.query)) {
        return {
          [Symbol.asyncIterator]: () =>
            ws
              .iterate({
                query: params.query,
                variables: (params.variables as Record<string, unknown> | null) ?? undefined,
                operationName: params.operationName ?? undefined,
              })
              [Symbol.asyncIterator](),
        } as AsyncIterable<Record<string, unknown>>;
      }
      return (async () => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/graphql-response+json, application/json',
            Authorization: `Bearer ${await accessToken()}`,
          },
          body: JSON.stringify(params),
        });
        return (await response.json()) as Record<string, unknown>;
      })();
    };
  }, []);
  return (
    <div style={{ height: '100vh' }} className="explorer">
      <GraphiQL
        fetcher={fetcher}
        defaultQuery={
          '# The Respond API, as you: try ⌘/Ctrl+Enter\nquery { viewer { name roles organizations { id name connectionStatus } } }\n'
        }
      />
    </div>
  );
}
