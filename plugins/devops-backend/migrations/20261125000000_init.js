/*
 * Reports of the coverage & test-quality area: one row per uploaded report with its totals,
 * one row per file (coverage) or per test case (tests). Line-level hit counts are never stored.
 */

/** Covered and total columns for each coverage metric; NULL where the format lacks the metric. */
function addCoverageCounters(table) {
  for (const metric of ['lines', 'branches', 'functions', 'statements']) {
    table.integer(`${metric}_covered`).nullable();
    table.integer(`${metric}_total`).nullable();
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_reports', table => {
    table.comment('One uploaded coverage or test report');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('kind', 16).notNullable().comment('coverage | tests');
    table.string('format', 32).notNullable();
    table.string('name', 100).notNullable().comment('report name, e.g. unit');
    table.string('commit_sha', 64).notNullable();
    table.string('branch', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    addCoverageCounters(table);
    table.integer('tests_total').nullable();
    table.integer('tests_passed').nullable();
    table.integer('tests_failed').nullable();
    table.integer('tests_errored').nullable();
    table.integer('tests_skipped').nullable();
    table.bigInteger('tests_duration_ms').nullable();
    table.integer('item_count').notNullable();
    table.bigInteger('size_bytes').notNullable();
    table.index(
      ['entity_ref', 'kind', 'name', 'branch', 'created_at'],
      'devops_reports_series_idx',
    );
    table.index(['created_at'], 'devops_reports_created_at_idx');
  });

  await knex.schema.createTable('devops_coverage_files', table => {
    table.comment('Per-file coverage summary of a coverage report');
    table
      .string('report_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_reports')
      .onDelete('CASCADE');
    table.text('path').notNullable();
    addCoverageCounters(table);
    table.index(['report_id'], 'devops_coverage_files_report_idx');
  });

  await knex.schema.createTable('devops_test_cases', table => {
    table.comment('Per-test outcome of a test report');
    table
      .string('report_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_reports')
      .onDelete('CASCADE');
    table.text('suite').notNullable();
    table.text('name').notNullable();
    table.string('outcome', 16).notNullable();
    table.integer('duration_ms').nullable();
    table.text('message').nullable();
    table.index(
      ['report_id', 'outcome'],
      'devops_test_cases_report_outcome_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_test_cases');
  await knex.schema.dropTable('devops_coverage_files');
  await knex.schema.dropTable('devops_reports');
};
