/** The maintained streaming parser each format is compared with (see case.mjs). */
export const LIBRARY = {
  cobertura: 'saxes',
  jacoco: 'saxes',
  'istanbul-summary': 'stream-json',
};
