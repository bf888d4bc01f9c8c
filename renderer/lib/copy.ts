import { notify } from '../store/store.js';

export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notify('info', `Copied ${what}.`);
  } catch {
    notify('error', `Could not copy ${what}: the clipboard is not available here.`);
  }
}
