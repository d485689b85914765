import en from 'zod/v4/locales/en.js';

/**
 * zod/mini has no messages of its own (every issue reads "Invalid input").
 * Parses whose messages reach people pass this error map: classic zod's
 * English locale, so the API and configuration errors keep their wording.
 * The one locale file adds about 2.7 KB to a bundle; `z.locales` would pull
 * in every language.
 */
export const englishMessages = en().localeError;
