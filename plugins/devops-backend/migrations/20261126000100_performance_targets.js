/*
 * Performance targets set through the API (current overrides and their change history) and load
 * test runs. Times are epoch milliseconds in bigint columns, like the performance samples.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_target_overrides', table => {
    table.comment(
      'Performance targets of an entity set through the API; they win over annotations and config',
    );
    table.string('entity_ref', 255).notNullable();
    table
      .string('target', 32)
      .notNullable()
      .comment('p95Ms | p99Ms | errorRate | minThroughput');
    table.double('value').notNullable();
    table
      .string('change_id', 36)
      .notNullable()
      .comment('the change that set it');
    table.primary(
      ['entity_ref', 'target'],
      'devops_perf_target_overrides_pkey',
    );
  });

  await knex.schema.createTable('devops_perf_target_changes', table => {
    table.comment('History of the target changes made through the API');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table
      .text('changes')
      .notNullable()
      .comment('JSON: target -> new value, or null for a removed override');
    table.string('actor', 255).notNullable();
    table.text('comment').nullable();
    table.bigInteger('at_ms').notNullable().comment('epoch milliseconds');
    table.index(
      ['entity_ref', 'at_ms'],
      'devops_perf_target_changes_entity_idx',
    );
  });

  await knex.schema.createTable('devops_load_test_runs', table => {
    table.comment('Bounded load tests against endpoints entities declare');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table.text('url').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running | succeeded | failed');
    table.string('started_by', 255).notNullable();
    table.bigInteger('started_at_ms').notNullable();
    table.bigInteger('finished_at_ms').nullable();
    table
      .bigInteger('deadline_ms')
      .notNullable()
      .comment(
        'a run still running after this was interrupted (its process died)',
      );
    table.integer('duration_seconds').notNullable();
    table.integer('connections').notNullable();
    table.bigInteger('requests').nullable();
    table.double('throughput').nullable();
    table.double('p50_ms').nullable();
    table.double('p95_ms').nullable();
    table.double('p99_ms').nullable();
    table.bigInteger('errors').nullable();
    table.text('error').nullable();
    // Set while running, NULL afterwards: unique constraints ignore NULLs on both SQLite and
    // PostgreSQL, so these enforce "one running run per entity" and the global cap on
    // concurrent runs (one slot per run) atomically, across backend replicas.
    table
      .string('running_entity_ref', 255)
      .nullable()
      .comment('entity_ref while running, else NULL');
    table
      .integer('running_slot')
      .nullable()
      .comment('1..maxConcurrent while running, else NULL');
    table.unique(['running_entity_ref'], {
      indexName: 'devops_load_test_runs_running_entity_uq',
    });
    table.unique(['running_slot'], {
      indexName: 'devops_load_test_runs_running_slot_uq',
    });
    table.index(
      ['entity_ref', 'started_at_ms'],
      'devops_load_test_runs_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_load_test_runs');
  await knex.schema.dropTable('devops_perf_target_changes');
  await knex.schema.dropTable('devops_perf_target_overrides');
};
