/** workerd (and wrangler's bundler, by the Data rule in wrangler.jsonc) turn these imports into ArrayBuffers. */
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const bytes: ArrayBuffer;
  export default bytes;
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const bytes: ArrayBuffer;
  export default bytes;
}
