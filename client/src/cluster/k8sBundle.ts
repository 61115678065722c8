/** Entry of dist/k8s.js: @kubernetes/client-node on its own, loaded on first cluster use (see esbuild.mjs). */
// @ts-expect-error -- bundled by esbuild (which converts the ESM package); tsc sees a CommonJS file re-exporting ESM.
export * from '@kubernetes/client-node';
