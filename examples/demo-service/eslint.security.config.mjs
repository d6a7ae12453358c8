// The demo's security scan (scripts/demo-scan.mjs): eslint-plugin-security's recommended rules
// over the service's own code, reported as SARIF. Not the repository's lint configuration.
import security from 'eslint-plugin-security';

export default [
  // deploy/ is the demo's deploy tooling for the portal's command provider (scripts on the
  // machine, fed by the portal only), and test/deploy.test.js its test: not the service.
  { ignores: ['node_modules/**', 'reports/**', 'deploy/**', 'test/deploy.test.js'] },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2024 },
  },
  security.configs.recommended,
];
