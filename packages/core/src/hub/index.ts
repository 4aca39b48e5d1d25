export { HubError, type HubErrorCode, type HubErrorDetails } from './hub-error.js';
export {
  DEFAULT_HUB_ENDPOINT,
  DEFAULT_MAX_METADATA_BYTES,
  DEFAULT_REVISION,
  resolveHubSettings,
  type HubDownloadProgress,
  type HubOptions,
  type ResolvedHubSettings,
} from './hub-settings.js';
export { hubFileUrl, isCommitHash, looksLikeLocalPath, repoFolderName, validateRepoId } from './hub-names.js';
export { hubDownload, type HubDownloadResult } from './hub-download.js';
export type { HubModelSource } from './hub-model-source.js';
export {
  CONFIG_FILE_NAME,
  PRETRAINED_WEIGHTS_FILE_NAMES,
  TOKENIZER_FILE_NAMES,
  type PretrainedFileGroup,
} from './pretrained-files.js';
export {
  pickResolvePretrainedOptions,
  RESOLVE_PRETRAINED_OPTION_KEYS,
  resolveHubModel,
  resolvePretrained,
  type ResolvePretrainedOptions,
} from './resolve-pretrained.js';
export { BROWSER_HUB_CACHE_NAME, browserHubSource, type BrowserHubSourceOptions } from './browser-hub-source.js';
