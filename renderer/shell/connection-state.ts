/**
 * The socket's status in detail (attempts, a refused token) for the banner, beside the store's
 * coarse `connection`. Kept here because AppState has no field for it (see the a11y report);
 * main.tsx writes both from the binding's onStatus.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ConnectionStatus } from '../api/web-binding.js';
import { useApp } from '../store/store.js';

export const connectionStatus = createStore<{ status: ConnectionStatus }>()(() => ({ status: { state: 'connecting' } }));

export function useConnectionStatus(): ConnectionStatus {
  return useStore(connectionStatus, (s) => s.status);
}

/** The store's coarse state for a detailed status. */
export function coarseConnection(status: ConnectionStatus): 'connecting' | 'open' | 'lost' {
  if (status.state === 'open') return 'open';
  if (status.state === 'connecting') return 'connecting';
  return 'lost';
}

/**
 * Whether periodic work (elapsed-time tickers, the devices refresh) should run: not while the
 * connection is down, when nothing it asks for can be answered.
 */
export function useLive(): boolean {
  return useApp((s) => s.connection === 'open');
}
