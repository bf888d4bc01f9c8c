/**
 * main knows, without a worker, which built-in plugin runs each model format and in which
 * setting it names its model (inspect.ts PLUGINS_OF, adopt-settings.ts BUILTIN_MODEL_SETTING);
 * the plugins declare the same in modelSettings. This keeps the two in step.
 */
import { describe, expect, it } from 'vitest';
import { PLUGINS_OF } from '../main/core/models/inspect.js';
import { BUILTIN_MODEL_SETTING } from '../main/core/models/adopt-settings.js';
import { builtinPlugins } from '../worker/plugins/builtin.js';

describe('built-in model settings', () => {
  it('match what main assumes for each format', () => {
    const declared = builtinPlugins.flatMap((p) =>
      Object.entries(p.modelSettings ?? {}).map(([field, format]) => ({ id: p.id, field, format })),
    );
    expect(declared).toEqual(Object.entries(PLUGINS_OF).map(([format, id]) => ({ id, field: BUILTIN_MODEL_SETTING, format })));
  });
});
