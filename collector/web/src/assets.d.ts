// Stylesheets are bundled by esbuild (collector/web/bundle.mjs), imported for their effect.
declare module '*.css';
