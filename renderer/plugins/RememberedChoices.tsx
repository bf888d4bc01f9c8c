/**
 * The plugin remembered per file type (chosen in the drop's choice dialog), each with "Forget
 * this choice": the next such file asks again.
 */
import { forgetPlugin } from '../store/queue-actions.js';
import { useApp } from '../store/store.js';
import '../styles/plugins.css';

export function RememberedChoices() {
  // The objects the store holds, never ones made in the selector (a new one each time is a render loop).
  const remembered = useApp((s) => s.prefs.pluginByExtension);
  const plugins = useApp((s) => s.plugins);
  const choices = Object.entries(remembered).sort(([a], [b]) => a.localeCompare(b));
  const names = Object.fromEntries(plugins.map((p) => [p.id, p.name]));
  return (
    <section className="remembered" aria-labelledby="remembered-title">
      <h3 id="remembered-title">Remembered choices</h3>
      {choices.length === 0 ? (
        <p className="muted small">
          None yet. When several plugins read a file type, Hearth asks which one to use and can remember the answer.
        </p>
      ) : (
        <ul className="remembered-list">
          {choices.map(([extension, pluginId]) => (
            <li key={extension}>
              <span>
                <code>.{extension}</code> files go to {names[pluginId] ?? pluginId}
              </span>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Forget the choice for .${extension} files`}
                onClick={() => void forgetPlugin(extension)}
              >
                Forget this choice
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
