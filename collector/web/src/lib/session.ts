/** The bearer token lives for the browser tab only (sessionStorage), never in a cookie. */
const KEY = 'bladeframe.token';

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
