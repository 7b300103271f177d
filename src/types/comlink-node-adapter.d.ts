// comlink ships the adapter as .mjs with its types beside it as .d.ts under another name.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
