/*
 * Performance area: raw samples for the short window, hourly roll-ups for the long one, each
 * entity's collection status (staleness), and the roll-up watermark. Times are epoch
 * milliseconds in bigint columns so that bucketing is integer arithmetic in both SQLite and
 * PostgreSQL.
 */

const METRIC_COLUMNS = [
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'throughput',
  'error_rate',
  'cpu_cores',
  'memory_bytes',
];

/** One nullable double per metric; NULL where the source has no value. */
function addMetricColumns(table) {
  for (const column of METRIC_COLUMNS) {
    table.double(column).nullable();
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_samples', table => {
    table.comment(
      'Raw performance samples, one per entity, environment and instant',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table.bigInteger('at_ms').notNullable().comment('epoch milliseconds');
    addMetricColumns(table);
    table.primary(
      ['entity_ref', 'environment', 'at_ms'],
      'devops_perf_samples_pkey',
    );
    table.index(['at_ms'], 'devops_perf_samples_at_idx');
  });

  await knex.schema.createTable('devops_perf_hourly', table => {
    table.comment(
      'Hourly roll-ups of the raw samples: means, and maxima of the tail latencies',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table
      .bigInteger('hour_ms')
      .notNullable()
      .comment('epoch milliseconds of the hour start');
    table.integer('sample_count').notNullable();
    addMetricColumns(table);
    table.double('max_p95_ms').nullable();
    table.double('max_p99_ms').nullable();
    table.primary(
      ['entity_ref', 'environment', 'hour_ms'],
      'devops_perf_hourly_pkey',
    );
    table.index(['hour_ms'], 'devops_perf_hourly_hour_idx');
  });

  await knex.schema.createTable('devops_perf_status', table => {
    table.comment(
      'Collection status of each entity: stale since the first failure of an outage',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table
      .string('provider', 100)
      .nullable()
      .comment('provider of the latest failure');
    table.bigInteger('stale_since_ms').nullable();
    table.text('last_error').nullable();
    table.bigInteger('last_success_ms').nullable();
    table.bigInteger('last_attempt_ms').notNullable();
  });

  await knex.schema.createTable('devops_perf_watermarks', table => {
    table.comment(
      'Progress markers of the performance maintenance, e.g. the roll-up watermark',
    );
    table.string('name', 100).primary().notNullable();
    table.bigInteger('at_ms').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_perf_watermarks');
  await knex.schema.dropTable('devops_perf_status');
  await knex.schema.dropTable('devops_perf_hourly');
  await knex.schema.dropTable('devops_perf_samples');
};
