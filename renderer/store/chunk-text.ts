/**
 * How a stream chunk reads as text. Strings and `{ delta }` continue the text (tokens);
 * `{ text }` is a line (OCR lines, transcript segments); anything else shows as JSON.
 */
export function chunkText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const d = data as { delta?: unknown; text?: unknown };
    if (typeof d.delta === 'string') return d.delta;
    if (typeof d.text === 'string') return `${d.text}\n`;
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
