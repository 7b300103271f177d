
    // Do not modify this file by hand!
    // Re-generate this file by running lit-localize

    
    import {str} from '@lit/localize';

    /* eslint-disable no-irregular-whitespace */
    /* eslint-disable @typescript-eslint/no-explicit-any */

    export const templates = {
      'see7cadb906db104e': str`地址中请求的语言“${0}”，syncbn-lab 没有这种语言：可选英文（?lang=en）和中文（?lang=zh-CN）。`,
'sefcf950b3cc4fc3b': `语言`,
    };
  