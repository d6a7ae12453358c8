/*
 * Performance area: 6-hour roll-ups of the hourly roll-ups, kept by the roll-up task, so the
 * 30-day chart reads 120 pre-computed rows instead of merging 720 hourly rows per request. Same
 * columns as the hourly roll-ups; the means are weighted by the hours' sample counts.
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
const SIX_HOURS_MS = 21600000;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_six_hours', table => {
    table.comment(
      'Roll-ups of the hourly roll-ups by 6 hours: sample-weighted means, and maxima of the tail latencies',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table
      .bigInteger('bucket_ms')
      .notNullable()
      .comment('epoch milliseconds of the 6 hours start');
    table.integer('sample_count').notNullable();
    for (const column of METRIC_COLUMNS) {
      table.double(column).nullable();
    }
    table.double('max_p95_ms').nullable();
    table.double('max_p99_ms').nullable();
    table.primary(
      ['entity_ref', 'environment', 'bucket_ms'],
      'devops_perf_six_hours_pkey',
    );
    table.index(['bucket_ms'], 'devops_perf_six_hours_bucket_idx');
  });
  // Roll up the hourly roll-ups stored before this migration.
  const bucket = `hour_ms - (hour_ms % ${SIX_HOURS_MS})`;
  const means = METRIC_COLUMNS.map(
    c =>
      `sum(${c} * sample_count) / nullif(sum(case when ${c} is null then 0 else sample_count end), 0)`,
  ).join(', ');
  await knex.raw(
    `INSERT INTO devops_perf_six_hours
       (entity_ref, environment, bucket_ms, sample_count, ${METRIC_COLUMNS.join(
         ', ',
       )}, max_p95_ms, max_p99_ms)
     SELECT entity_ref, environment, ${bucket}, sum(sample_count), ${means}, max(max_p95_ms), max(max_p99_ms)
       FROM devops_perf_hourly
      GROUP BY entity_ref, environment, ${bucket}`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_perf_six_hours');
};
