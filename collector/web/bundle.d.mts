// Types of bundle.mjs (a plain ES module, so `npm run build` runs it without a TypeScript step).
export function buildWeb(options?: {
  outdir?: string;
  minify?: boolean;
}): Promise<{ outdir: string; script: string; style: string }>;
export function webBuildIsCurrent(outdir: string): boolean;
export function ensureWebBuild(outdir: string): Promise<boolean>;
