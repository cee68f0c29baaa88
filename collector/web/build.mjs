// `npm run build` (scripts/build.mjs) runs this: the dashboard into dist/web.
import { buildWeb } from './bundle.mjs';

const { outdir, script, style } = await buildWeb();
console.log(`built ${outdir}/index.html (${script}, ${style})`);
