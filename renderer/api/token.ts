/**
 * The serve token: read once from the page URL, kept in sessionStorage (so a reload in this
 * tab still has it), and removed from the address bar so it does not linger on screen.
 */
const KEY = 'hearth.token';

export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | undefined {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + (url.search === '?' ? '' : url.search) + url.hash);
    return fromUrl;
  }
  return storage.getItem(KEY) ?? undefined;
}
