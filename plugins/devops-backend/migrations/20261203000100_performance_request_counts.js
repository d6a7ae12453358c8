/*
 * Performance area: the rates of 401/403 and of 429 responses, which the security area's threat
 * detectors read, in the raw samples and in every roll-up table (means, like throughput).
 * Nullable: NULL where the source has no status codes, and in every row stored before.
 */

const TABLES = [
  'devops_perf_samples',
  'devops_perf_ten_minutes',
  'devops_perf_hourly',
  'devops_perf_six_hours',
];

const COLUMNS = {
  auth_failure_rps: 'responses with status 401 or 403 per second',
  rate_limited_rps: 'responses with status 429 per second',
};

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, table => {
      for (const [column, comment] of Object.entries(COLUMNS)) {
        table.double(column).nullable().comment(comment);
      }
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, table => {
      table.dropColumns(...Object.keys(COLUMNS));
    });
  }
};
