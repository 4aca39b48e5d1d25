/**
 * Frees the memory of an `ArrayBuffer` within a few milliseconds instead of at the JavaScript engine's next
 * garbage collection.
 *
 * The buffer is transferred into a `MessageChannel` message that is never delivered, and both ports are
 * closed: the buffer is detached at once (its `byteLength` becomes 0) and its backing store is freed with
 * the discarded message, in a later turn of the event loop. V8 otherwise frees large buffers only when a
 * collection runs, which an inference workload (a small JavaScript heap, large buffers) may not trigger for
 * a long time.
 *
 * Only for buffers that this library allocated and that nothing else can reach: the caller must be sure no
 * view of it is used afterwards. Returns `false`, leaving the buffer alone, where that is not possible (no
 * `MessageChannel`, a `SharedArrayBuffer`, an empty, detached or untransferable buffer).
 *
 * @example
 * ```ts
 * const bytes = encodeModel(proto);
 * const session = await backend.load({ bytes, inputNames, outputNames });
 * releaseArrayBuffer(bytes.buffer); // the runtime holds its own copy
 * ```
 */
export function releaseArrayBuffer(buffer: ArrayBufferLike): boolean {
  if (typeof MessageChannel !== 'function' || !(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return false;
  const channel = new MessageChannel();
  try {
    channel.port1.postMessage(null, [buffer]);
    return true;
  } catch {
    return false;
  } finally {
    channel.port1.close();
    channel.port2.close();
  }
}

/** Releases the buffer under `view` when the view covers all of it (see {@link releaseArrayBuffer}). */
export function releaseWholeBuffer(view: ArrayBufferView): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && releaseArrayBuffer(view.buffer);
}
