/**
 * Where a worker thread's code is: in the built collector, a bundle beside it in dist/; from the
 * sources, a small `.mjs` beside the thread's TypeScript that compiles it on the fly (tsx).
 * `caller` is the caller's `import.meta.url`, which in the bundle is the bundle's own.
 */
export function threadEntry(caller: string, sourceShim: string, bundle: string): URL {
  return caller.endsWith('.ts') ? new URL(sourceShim, caller) : new URL(`./${bundle}`, caller);
}
