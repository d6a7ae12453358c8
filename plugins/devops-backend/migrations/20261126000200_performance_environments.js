/*
 * Performance area: the environments each entity has data for, kept up to date by the sample
 * inserts, so the card's environment list is a primary-key look-up instead of a scan over every
 * raw sample and roll-up of the entity.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_perf_environments', table => {
    table.comment('Environments with performance data, per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table
      .bigInteger('last_at_ms')
      .notNullable()
      .comment('epoch milliseconds of the newest sample');
    table.primary(
      ['entity_ref', 'environment'],
      'devops_perf_environments_pkey',
    );
    table.index(['last_at_ms'], 'devops_perf_environments_last_idx');
  });
  // Environments of the data stored before this migration.
  await knex
    .insert(
      knex
        .select('entity_ref', 'environment')
        .max({ last_at_ms: 'last_at_ms' })
        .from(
          knex
            .select('entity_ref', 'environment', { last_at_ms: 'at_ms' })
            .from('devops_perf_samples')
            .unionAll(qb =>
              qb
                .select('entity_ref', 'environment', { last_at_ms: 'hour_ms' })
                .from('devops_perf_hourly'),
            )
            .as('data'),
        )
        .groupBy('entity_ref', 'environment'),
    )
    .into(
      knex.raw('?? (??, ??, ??)', [
        'devops_perf_environments',
        'entity_ref',
        'environment',
        'last_at_ms',
      ]),
    );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_perf_environments');
};
