/** workerd (and wrangler's bundler) turn a `.wasm` import into a precompiled WebAssembly.Module. */
declare module '@jitl/quickjs-wasmfile-release-sync/wasm' {
  const wasmModule: object;
  export default wasmModule;
}
