/**
 * Browse… beside a path, model or folder field: the desktop app's file dialog (absent in a
 * browser, which has none).
 */
import { api } from '../api/current.js';
import { call } from '../store/actions.js';

export function BrowseButton({
  title,
  folder = false,
  onPick,
}: {
  title: string;
  folder?: boolean;
  onPick: (path: string) => void;
}) {
  if (api().kind !== 'electron') return null;
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        void call('pickPath', { title, folder }).then((picked) => {
          if (picked) onPick(picked);
        });
      }}
    >
      Browse…
    </button>
  );
}
