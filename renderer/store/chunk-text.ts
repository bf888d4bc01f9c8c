/**
 * How a stream chunk reads as text. Strings, `{ delta }` and `{ text }` continue the text as
 * they are (the plugin owns its line breaks: OCR ends each line with one, llm tokens don't);
 * a timed segment `{ start, end, text }` reads as one line; anything else shows as JSON.
 */
export function chunkText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const d = data as { delta?: unknown; text?: unknown; start?: unknown; end?: unknown };
    if (typeof d.delta === 'string') return d.delta;
    if (typeof d.text === 'string') {
      if (typeof d.start === 'number' && typeof d.end === 'number') {
        return `[${d.start.toFixed(2)}–${d.end.toFixed(2)}] ${d.text.trim()}\n`;
      }
      return d.text;
    }
  }
  return `${JSON.stringify(data)}\n`;
}

/** The text a final result shows as. */
export function resultDisplay(result: unknown): string {
  if (result === undefined || result === null) return '';
  if (typeof result === 'string') return result;
  if (typeof result === 'object' && typeof (result as { text?: unknown }).text === 'string') return (result as { text: string }).text;
  return JSON.stringify(result, null, 2);
}
