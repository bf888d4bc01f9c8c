import type { PluginStatus } from '../../common/protocol.js';

const LABEL: Record<PluginStatus, string> = {
  discovered: 'Not loaded',
  unloaded: 'Not loaded',
  loading: 'Loading…',
  ready: 'Ready',
  busy: 'Busy',
  failed: 'Failed',
  'needs-model': 'Needs a model',
};

export function PluginStateBadge({ status }: { status: PluginStatus }) {
  return <span className={`badge plugin-${status}`}>{LABEL[status]}</span>;
}
