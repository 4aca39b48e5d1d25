// Types of the package-internal import `#onnxruntime-web` (package.json "imports"): onnxruntime-web's Node
// build in Node, its WASM-only build elsewhere. Both have onnxruntime-web's API.
declare module '#onnxruntime-web' {
  export * from 'onnxruntime-web';
}
