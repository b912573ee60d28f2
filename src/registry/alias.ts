/** What an alias may be named: a letter, then letters, digits, `_ . -`; at most 64 characters. */
export const ALIAS_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
