import { mountFineTune } from './fine-tune-tab.js';
import { mountPlayground } from './playground.js';
import { mountTabs } from './playground-tabs.js';

mountTabs(document);
mountPlayground(document);
mountFineTune(document);
