/** The Lambda entry: settings are read and everything is wired once, at cold start. */
import { createHandler } from './app.js';
import { readSettings } from './settings.js';

export const handler = createHandler(readSettings(process.env));
