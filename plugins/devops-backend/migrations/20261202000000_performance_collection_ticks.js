/*
 * Performance area: the last run of each collection shard (one scheduled task per shard), shared
 * by every replica, so that the tick the scheduler runs right after a late run (its catch-up)
 * is skipped wherever it lands.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_collection_ticks', table => {
    table.comment(
      'Last run of each performance collection shard (scheduled task): start, end, and whether it started late',
    );
    table.string('task_id', 200).primary().notNullable();
    table.bigInteger('started_ms').notNullable();
    table
      .bigInteger('finished_ms')
      .nullable()
      .comment('null while the run is in progress, or when its replica died');
    table
      .boolean('late')
      .notNullable()
      .defaultTo(false)
      .comment(
        'the run started more than an interval plus a poll after the one before',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_perf_collection_ticks');
};
