/*
 * Security area, compliance: the latest result of each framework for each entity (score, counts
 * and its controls' statuses), the evidence of the entity's latest evaluation (every check's
 * status and value, once per entity: the frameworks share most checks), and the history of the
 * scores, for the card's chart.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_compliance_results', table => {
    table.comment(
      'Latest compliance result per entity and framework: score, counts, control statuses',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('framework_id', 64).notNullable();
    table.string('title', 200).notNullable();
    table
      .bigInteger('evaluated_ms')
      .notNullable()
      .comment('epoch milliseconds of the evaluation');
    table
      .double('score')
      .nullable()
      .comment('0..100; null when no control could be evaluated');
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.integer('not_evaluated').notNullable();
    table
      .text('controls')
      .notNullable()
      .comment('JSON: [control id, status, weight] of each control');
    table
      .bigInteger('history_at_ms')
      .nullable()
      .comment('epoch milliseconds of the newest history point');
    table.primary(
      ['entity_ref', 'framework_id'],
      'devops_compliance_results_pkey',
    );
    table.index(['evaluated_ms'], 'devops_compliance_results_evaluated_idx');
  });

  await knex.schema.createTable('devops_compliance_evidence', table => {
    table.comment(
      'What each compliance check found for an entity at its latest evaluation',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.bigInteger('evaluated_ms').notNullable();
    table
      .text('checks')
      .notNullable()
      .comment('JSON: { check id: [status, value] }');
    table.index(['evaluated_ms'], 'devops_compliance_evidence_evaluated_idx');
  });

  await knex.schema.createTable('devops_compliance_history', table => {
    table.comment(
      'Compliance score history: a point when the score changed, or once per interval',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('framework_id', 64).notNullable();
    table.bigInteger('at_ms').notNullable();
    table.double('score').nullable();
    table.primary(
      ['entity_ref', 'framework_id', 'at_ms'],
      'devops_compliance_history_pkey',
    );
    table.index(['at_ms'], 'devops_compliance_history_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_compliance_history');
  await knex.schema.dropTable('devops_compliance_evidence');
  await knex.schema.dropTable('devops_compliance_results');
};
