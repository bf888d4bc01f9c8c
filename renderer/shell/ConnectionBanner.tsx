/**
 * Says when the page has lost `hearth serve`: reconnecting (which try, when the next is), or, once
 * the server answers with a new token, that this page's link is dead and how to get the new one.
 */
import { useConnectionStatus } from './connection-state.js';

function seconds(ms: number): string {
  if (ms <= 0) return 'now';
  const s = Math.max(1, Math.round(ms / 1000));
  return `in ${s} s`;
}

/** Always rendered, so the live region exists before its text changes (and the grid keeps its rows). */
export function ConnectionBanner() {
  return (
    <div className="conn-slot" role="status">
      <BannerText />
    </div>
  );
}

function BannerText() {
  const status = useConnectionStatus();
  if (status.state === 'lost') {
    return (
      <div className="conn-banner conn-banner-lost" data-testid="connection-banner">
        <strong>The connection to Hearth was lost.</strong>{' '}
        {status.attempt === 0
          ? 'Reconnecting…'
          : `Reconnecting — attempt ${status.attempt}, next try ${seconds(status.retryInMs)}.`}
        {status.attempt >= 3 && (
          <>
            {' '}
            Is <code>hearth serve</code> still running? If you start it again, open the new address it prints.
          </>
        )}
      </div>
    );
  }
  if (status.state === 'refused') {
    return (
      <div className="conn-banner conn-banner-refused" role="alert" data-testid="connection-banner">
        <strong>This page’s link is no longer valid.</strong> <code>hearth serve</code> was restarted and made a new token, so
        this page cannot reconnect. Open the new address it printed (the line “Hearth is serving at http://…/?token=…”).
      </div>
    );
  }
  return null;
}
