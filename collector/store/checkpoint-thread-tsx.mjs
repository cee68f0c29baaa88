// Development and tests: the checkpoint thread's TypeScript source, compiled on the fly as the
// main thread's is (the built collector starts dist/bladeframe-checkpoint-thread.mjs instead).
import { register } from 'tsx/esm/api';

register();
await import('./checkpoint-thread.ts');
