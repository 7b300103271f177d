/**
 * The app's entry. The page's language loads first (a Chinese reader never sees an English
 * flash), then registering <sbl-app> renders the page that index.html declares.
 */
import { startLocalization } from './ui/i18n/localization.ts';

await startLocalization();
await import('./ui/app/sbl-app.ts');
