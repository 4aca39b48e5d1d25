import { CheckpointError } from '../checkpoint-error.js';
import { PickleTuple } from './pickle-value.js';
import type { PickleObject, PickleValue } from './pickle-value.js';
import type { AllowedGlobal } from './unpickler.js';

/** Element type of a torch storage class, and its size in bytes. */
export interface TorchStorageType {
  /** The storage class name, e.g. `FloatStorage`. */
  readonly className: string;
  /** Element kind. */
  readonly kind:
    'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
  /** Bytes per element. */
  readonly elementSize: number;
}

/** The torch storage classes a state dict may reference (as `torch.<className>`). */
export const TORCH_STORAGE_TYPES: ReadonlyMap<string, TorchStorageType> = new Map(
  (
    [
      ['FloatStorage', 'float32', 4],
      ['DoubleStorage', 'float64', 8],
      ['HalfStorage', 'float16', 2],
      ['BFloat16Storage', 'bfloat16', 2],
      ['LongStorage', 'int64', 8],
      ['IntStorage', 'int32', 4],
      ['ShortStorage', 'int16', 2],
      ['CharStorage', 'int8', 1],
      ['ByteStorage', 'uint8', 1],
      ['BoolStorage', 'bool', 1],
    ] as const
  ).map(([className, kind, elementSize]) => [`torch.${className}`, { className, kind, elementSize }]),
);

/** A storage named by a persistent id: data lives outside the pickle, under `key`. */
export interface TorchStorageReference extends PickleObject {
  readonly pickleKind: 'storage';
  /** The storage type. */
  readonly type: TorchStorageType;
  /** The key of the storage's data (zip record `data/<key>`, or the legacy storage key). */
  readonly key: string;
  /** Elements in the storage (the root storage for legacy views). */
  readonly elementCount: number;
  /** Element offset of a legacy storage view inside its root storage (0 otherwise). */
  readonly viewOffset: number;
}

/** A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided view of a storage. */
export interface PickledTensor extends PickleObject {
  readonly pickleKind: 'tensor';
  /** The storage the tensor views. */
  readonly storage: TorchStorageReference;
  /** Element offset into the storage. */
  readonly storageOffset: number;
  /** Shape. */
  readonly size: readonly number[];
  /** Strides, in elements. */
  readonly stride: readonly number[];
}

/** Whether a pickle value is a {@link PickledTensor}. */
export function isPickledTensor(value: PickleValue): value is PickledTensor {
  return typeof value === 'object' && value !== null && (value as PickleObject).pickleKind === 'tensor';
}

function integerList(value: PickleValue | undefined): number[] | undefined {
  const items = value instanceof PickleTuple ? value.items : Array.isArray(value) ? value : undefined;
  if (items === undefined || !items.every((item) => typeof item === 'number' && Number.isSafeInteger(item)))
    return undefined;
  return items as number[];
}

/**
 * The globals a torch state dict may use, and how each is built — the same set that
 * `torch.load(weights_only=True)` accepts for plain state dicts. Everything else is refused.
 *
 * @param file - the file name, for errors.
 */
export function torchAllowedGlobals(file: string): ReadonlyMap<string, AllowedGlobal> {
  const invalid = (message: string): never => {
    throw new CheckpointError('CHECKPOINT_INVALID_PICKLE', `${file}: ${message}`, { file });
  };
  const rebuildTensor =
    (name: string) =>
    (args: readonly PickleValue[]): PickledTensor => {
      const [storage, storageOffset] = args;
      const size = integerList(args[2]);
      const stride = integerList(args[3]);
      if (typeof storage !== 'object' || storage === null || (storage as PickleObject).pickleKind !== 'storage') {
        return invalid(`${name}: first argument is not a storage`);
      }
      if (typeof storageOffset !== 'number' || !Number.isSafeInteger(storageOffset) || storageOffset < 0) {
        return invalid(`${name}: bad storage offset`);
      }
      if (
        size === undefined ||
        stride === undefined ||
        size.length !== stride.length ||
        size.some((item) => item < 0) ||
        stride.some((item) => item < 0)
      ) {
        return invalid(`${name}: bad size or stride`);
      }
      return { pickleKind: 'tensor', storage: storage as TorchStorageReference, storageOffset, size, stride };
    };
  const globals = new Map<string, AllowedGlobal>([
    // OrderedDict() (state dicts, backward-hook dicts): an empty dict.
    [
      'collections.OrderedDict',
      { call: (args) => (args.length === 0 ? new Map() : invalid('OrderedDict called with arguments')) },
    ],
    ['torch._utils._rebuild_tensor_v2', { call: rebuildTensor('_rebuild_tensor_v2') }],
    ['torch._utils._rebuild_tensor', { call: rebuildTensor('_rebuild_tensor') }],
    // nn.Parameter(tensor, requires_grad, hooks): the tensor itself.
    [
      'torch._utils._rebuild_parameter',
      {
        call: (args) =>
          args[0] !== undefined && isPickledTensor(args[0]) ? args[0] : invalid('_rebuild_parameter without a tensor'),
      },
    ],
    // nn.Parameter with Python attributes (the state is ignored; it sets no weight values).
    [
      'torch._utils._rebuild_parameter_with_state',
      {
        call: (args) =>
          args[0] !== undefined && isPickledTensor(args[0])
            ? args[0]
            : invalid('_rebuild_parameter_with_state without a tensor'),
      },
    ],
  ]);
  for (const name of TORCH_STORAGE_TYPES.keys()) globals.set(name, {});
  return globals;
}

/**
 * Builds a {@link TorchStorageReference} from a persistent id `('storage', StorageClass, key,
 * location, numel[, view_metadata])` (zip: 5 fields; legacy: 6, the last `None` or `(view_key,
 * offset, size)`).
 */
export function torchStorageFromPersistentId(pid: PickleValue, file: string): TorchStorageReference {
  const invalid = (message: string): never => {
    throw new CheckpointError('CHECKPOINT_INVALID_PICKLE', `${file}: bad persistent id: ${message}`, { file });
  };
  if (!(pid instanceof PickleTuple)) return invalid('not a tuple');
  const [tag, storageClass, key, , elementCount, viewMetadata] = pid.items;
  if (tag !== 'storage') return invalid(`unknown tag ${JSON.stringify(tag)}`);
  const qualifiedName =
    typeof storageClass === 'object' && storageClass !== null && 'qualifiedName' in storageClass
      ? String(storageClass.qualifiedName)
      : undefined;
  const type = qualifiedName === undefined ? undefined : TORCH_STORAGE_TYPES.get(qualifiedName);
  if (type === undefined) return invalid('the storage type is not a torch storage class');
  if (typeof key !== 'string') return invalid('storage key is not a string');
  if (typeof elementCount !== 'number' || !Number.isSafeInteger(elementCount) || elementCount < 0)
    return invalid('bad element count');
  let viewOffset = 0;
  if (viewMetadata !== undefined && viewMetadata !== null) {
    const view = viewMetadata instanceof PickleTuple ? viewMetadata.items : undefined;
    const offset = view?.[1];
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return invalid('bad view metadata');
    viewOffset = offset;
  }
  return { pickleKind: 'storage', type, key, elementCount, viewOffset };
}
