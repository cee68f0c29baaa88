import { useEffect, useState } from 'preact/hooks';

/**
 * A minimal observable store: one state object replaced on each change, listeners told after.
 * Components read it with `useStore(select)` and re-render only when their selection changes.
 */
export class Store<S extends object> {
  private listeners = new Set<() => void>();

  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  set(patch: Partial<S> | ((state: S) => Partial<S>)): void {
    const next = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function useStore<S extends object, T>(store: Store<S>, select: (state: S) => T): T {
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    const update = () => setValue(() => select(store.get()));
    update();
    return store.subscribe(update);
    // The selector is expected to be stable in meaning; a new closure each render is fine.
  }, [store]);
  return value;
}
