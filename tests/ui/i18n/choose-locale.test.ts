import { describe, expect, it } from 'vitest';
import { chooseLocale, localeForTag } from '../../../src/ui/i18n/choose-locale.ts';

describe('which language the page opens in', () => {
  it('maps every Chinese tag to zh-CN and every English one to en', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-cn', 'zh-Hans', 'zh-Hans-CN', 'zh-TW', 'zh_CN']) {
      expect(localeForTag(tag)).toBe('zh-CN');
    }
    for (const tag of ['en', 'en-US', 'EN-gb']) expect(localeForTag(tag)).toBe('en');
    for (const tag of ['fr', 'de-DE', '', '  ', null, undefined])
      expect(localeForTag(tag)).toBe(null);
  });

  it('follows the browser on a first visit, the first language it has', () => {
    expect(chooseLocale({ query: null, stored: null, preferred: ['zh-CN', 'en'] }).locale).toBe(
      'zh-CN',
    );
    expect(chooseLocale({ query: null, stored: null, preferred: ['fr-FR', 'zh-TW'] }).locale).toBe(
      'zh-CN',
    );
    expect(chooseLocale({ query: null, stored: null, preferred: ['fr-FR'] }).locale).toBe('en');
    expect(chooseLocale({ query: null, stored: null, preferred: [] }).locale).toBe('en');
  });

  it('keeps the reader’s own choice over the browser’s language', () => {
    expect(chooseLocale({ query: null, stored: 'en', preferred: ['zh-CN'] }).locale).toBe('en');
    // A stored value the app no longer has is ignored, not obeyed.
    expect(chooseLocale({ query: null, stored: 'xx', preferred: ['zh-CN'] }).locale).toBe('zh-CN');
  });

  it('lets ?lang= win over both, so a shared link opens in its language', () => {
    expect(chooseLocale({ query: 'zh-CN', stored: 'en', preferred: ['en'] })).toEqual({
      locale: 'zh-CN',
      unknownQuery: null,
    });
    expect(chooseLocale({ query: 'en', stored: 'zh-CN', preferred: ['zh-CN'] }).locale).toBe('en');
  });

  it('reports a ?lang= it does not have and falls back to the next source', () => {
    expect(chooseLocale({ query: 'fr', stored: 'zh-CN', preferred: ['en'] })).toEqual({
      locale: 'zh-CN',
      unknownQuery: 'fr',
    });
  });
});
