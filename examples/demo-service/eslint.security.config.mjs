// The demo's security scan (scripts/demo-scan.mjs): eslint-plugin-security's recommended rules
// over the service's own code, reported as SARIF. Not the repository's lint configuration.
import security from 'eslint-plugin-security';

export default [
  { ignores: ['node_modules/**', 'reports/**'] },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2024 },
  },
  security.configs.recommended,
];
