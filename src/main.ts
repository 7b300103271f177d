/** The app's entry: registering <sbl-app> renders the page that index.html declares. */
import './ui/app/sbl-app.ts';
