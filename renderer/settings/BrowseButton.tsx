/** Browse… beside a path or model setting: the desktop app's file dialog (absent in a browser, which has none). */
import { api } from '../api/current.js';
import { call } from '../store/actions.js';
import type { Field } from './schema-fields.js';

export function BrowseButton({ field, onChange }: { field: Field; onChange: (path: string) => void }) {
  if (api().kind !== 'electron') return null;
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        void call('pickPath', { title: `Choose ${field.label.toLowerCase()}` }).then((picked) => {
          if (picked) onChange(picked);
        });
      }}
    >
      Browse…
    </button>
  );
}
