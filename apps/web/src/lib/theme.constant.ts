/** Cookie holding the chosen theme (light or dark; absent: the OS's), read by the server for the first paint. */
export const THEME_COOKIE = 'ratchet_theme';
