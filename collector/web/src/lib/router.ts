import { useEffect, useState } from 'preact/hooks';

/** Where the page is: `#/` (the board) or `#/tickets/<id>` (a ticket open beside the list). */
export interface Route {
  ticketId: string | null;
}

export function parseRoute(hash: string): Route {
  const match = /^#\/tickets\/([^/?#]+)/.exec(hash);
  return { ticketId: match ? decodeURIComponent(match[1]!) : null };
}

export function ticketHref(id: string): string {
  return `#/tickets/${encodeURIComponent(id)}`;
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
