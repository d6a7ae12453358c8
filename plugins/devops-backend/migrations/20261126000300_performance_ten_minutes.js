/*
 * Performance area: 10-minute roll-ups of the raw samples, kept current by every sample insert,
 * so the 24-hour chart reads 144 pre-computed rows instead of aggregating 1,440 raw samples per
 * request. Same columns as the hourly roll-ups.
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
const TEN_MINUTES_MS = 600000;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_ten_minutes', table => {
    table.comment(
      'Roll-ups of the raw samples by 10 minutes: means, and maxima of the tail latencies',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table
      .bigInteger('bucket_ms')
      .notNullable()
      .comment('epoch milliseconds of the 10 minutes start');
    table.integer('sample_count').notNullable();
    for (const column of METRIC_COLUMNS) {
      table.double(column).nullable();
    }
    table.double('max_p95_ms').nullable();
    table.double('max_p99_ms').nullable();
    table.primary(
      ['entity_ref', 'environment', 'bucket_ms'],
      'devops_perf_ten_minutes_pkey',
    );
    table.index(['bucket_ms'], 'devops_perf_ten_minutes_bucket_idx');
  });
  // Roll up the raw samples stored before this migration.
  const bucket = `at_ms - (at_ms % ${TEN_MINUTES_MS})`;
  await knex.raw(
    `INSERT INTO devops_perf_ten_minutes
       (entity_ref, environment, bucket_ms, sample_count, ${METRIC_COLUMNS.join(
         ', ',
       )}, max_p95_ms, max_p99_ms)
     SELECT entity_ref, environment, ${bucket}, count(*), ${METRIC_COLUMNS.map(
      c => `avg(${c})`,
    ).join(', ')}, max(p95_ms), max(p99_ms)
       FROM devops_perf_samples
      GROUP BY entity_ref, environment, ${bucket}`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_perf_ten_minutes');
};
