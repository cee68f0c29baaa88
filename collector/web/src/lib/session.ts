/** The bearer token lives for the browser tab only (sessionStorage), never in a cookie. */
const KEY = 'bladeframe.token';

/**
 * A token handed over in the address's fragment (`/#token=bft_...`, the link `npm start`
 * prints): taken into the session and wiped from the address bar and history at once. The
 * fragment never reaches the server, so it is in no access log.
 */
export function takeTokenFromAddress(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  const token = decodeURIComponent(match[1]!);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  storeToken(token);
  return token;
}

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}
