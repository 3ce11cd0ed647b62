import { createClient } from 'graphql-ws';
import { describe, expect, it, vi } from 'vitest';
import { liveChannelOptions, TOKEN_REFUSED_CLOSE } from './respondClient';

interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A graphql-transport-ws server end in memory: acknowledges connection_init, records what the client sent. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];

  readyState = FakeSocket.CONNECTING;
  readonly protocol = 'graphql-transport-ws';
  readonly received: Message[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
    setTimeout(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
    });
  }

  send(data: string): void {
    const message = JSON.parse(data) as Message;
    this.received.push(message);
    if (message.type === 'connection_init') this.push({ type: 'connection_ack' });
  }

  push(message: Message): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }

  subscribed(): Message | undefined {
    return this.received.find((m) => m.type === 'subscribe');
  }
}

/** Lets the client's queued work run until the n-th socket has subscribed (bounded in turns, not in time). */
async function subscribedSocket(n: number): Promise<{ socket: FakeSocket; id: string }> {
  for (let turn = 0; turn < 200; turn++) {
    const socket = FakeSocket.opened[n];
    const subscribe = socket?.subscribed();
    if (socket && subscribe?.id) return { socket, id: subscribe.id };
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`socket ${n} never subscribed`);
}

function liveClient(tokens: { current: () => Promise<string>; renewed: () => Promise<string> }) {
  FakeSocket.opened = [];
  // The backoff between attempts is not what is tested here: reconnect at once.
  return createClient({
    ...liveChannelOptions('ws://respond.test/graphql', tokens, () => {}),
    retryWait: async () => {},
    webSocketImpl: FakeSocket,
  });
}

describe('live channel', () => {
  it('after a 4403 close reconnects with a renewed token and keeps delivering to the same subscription', async () => {
    const tokens = { current: vi.fn(() => Promise.resolve('expired-token')), renewed: vi.fn(() => Promise.resolve('fresh-token')) };
    const client = liveClient(tokens);
    const delivered: unknown[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: 'subscription { alertRaised { id } }' },
      { next: (m) => delivered.push(m.data), error: (e) => errors.push(e), complete: () => {} },
    );

    const first = await subscribedSocket(0);
    first.socket.push({ id: first.id, type: 'next', payload: { data: { alertRaised: { id: 'alert-1' } } } });
    first.socket.close(TOKEN_REFUSED_CLOSE, 'Forbidden: the access token expired');
    const second = await subscribedSocket(1);
    second.socket.push({ id: second.id, type: 'next', payload: { data: { alertRaised: { id: 'alert-2' } } } });

    expect(delivered).toEqual([{ alertRaised: { id: 'alert-1' } }, { alertRaised: { id: 'alert-2' } }]);
    expect(errors).toEqual([]);
    expect(first.socket.received[0]).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer expired-token' } });
    expect(second.socket.received[0]).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer fresh-token' } });
    expect(second.socket.subscribed()?.payload).toEqual(first.socket.subscribed()?.payload);
    expect(tokens.renewed).toHaveBeenCalledTimes(1);
    await client.dispose();
  });

  it('after a close that is not about the token reconnects with the stored token', async () => {
    const tokens = { current: vi.fn(() => Promise.resolve('stored-token')), renewed: vi.fn(() => Promise.resolve('fresh-token')) };
    const client = liveClient(tokens);
    client.subscribe({ query: 'subscription { alertRaised { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });

    const first = await subscribedSocket(0);
    first.socket.close(1001, 'Going away');
    const second = await subscribedSocket(1);

    expect(second.socket.received[0]).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer stored-token' } });
    expect(tokens.renewed).not.toHaveBeenCalled();
    await client.dispose();
  });
});
