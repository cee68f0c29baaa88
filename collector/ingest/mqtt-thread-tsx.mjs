// Development and tests: the ingest thread's TypeScript source, compiled on the fly as the main
// thread's is (the built collector starts dist/bladeframe-mqtt-thread.mjs instead).
import { register } from 'tsx/esm/api';

register();
await import('./mqtt-thread.ts');
