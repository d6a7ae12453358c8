/*
 * Deploys area, environments: per-entity environments (previews) created through the API or the
 * scaffolder, each based on a configured environment with its own target and an optional time to
 * live, and their teardowns (cause, attempts, last error, next attempt); and the drift sweep's
 * findings (what the last successful deploy left running against what the provider reports).
 * `live_key` is `<entity_ref>|<name>` until the environment is torn down and null afterwards:
 * its unique index allows one live environment of a name per entity, on SQLite and PostgreSQL
 * alike; `open_key` does the same for one open drift finding per entity and environment.
 * Times are epoch milliseconds.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_deploy_environments', table => {
    table.comment(
      'Per-entity environments (previews) with their time to live and teardown',
    );
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.string('name', 63).notNullable();
    table
      .string('based_on', 63)
      .notNullable()
      .comment('the configured environment whose provider block it uses');
    table.string('provider', 100).notNullable();
    table.string('target', 255).notNullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('created_ms').notNullable();
    table.bigInteger('expires_ms').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('active | tearing-down | torn-down');
    table
      .string('live_key', 330)
      .nullable()
      .comment('entity_ref|name until torn down, else null');
    table.string('teardown_cause', 16).nullable().comment('expired | deleted');
    table.string('teardown_requested_by', 255).nullable();
    table.bigInteger('teardown_requested_ms').nullable();
    table.text('teardown_reason').nullable();
    table.integer('teardown_attempts').notNullable().defaultTo(0);
    table.bigInteger('teardown_last_attempt_ms').nullable();
    table.text('teardown_last_error').nullable();
    table
      .bigInteger('teardown_next_ms')
      .nullable()
      .comment('when the teardown task tries next; null unless tearing down');
    table.bigInteger('teardown_finished_ms').nullable();
    table.unique(['live_key'], {
      indexName: 'devops_deploy_environments_live_uq',
    });
    table.index(
      ['entity_ref', 'name'],
      'devops_deploy_environments_entity_idx',
    );
    table.index(['status', 'expires_ms'], 'devops_deploy_environments_ttl_idx');
    table.index(['teardown_next_ms'], 'devops_deploy_environments_due_idx');
  });

  await knex.schema.createTable('devops_deploy_drift', table => {
    table.comment(
      'Drift findings: the version the last successful deploy left against what the provider reports',
    );
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('expected_version', 128).notNullable();
    table.string('expected_deploy_id', 36).notNullable();
    table.bigInteger('expected_ms').notNullable();
    table
      .string('actual_version', 128)
      .nullable()
      .comment('null: the provider reports nothing running');
    table.boolean('actual_healthy').notNullable();
    table.text('actual_message').nullable();
    table.bigInteger('detected_ms').notNullable();
    table.bigInteger('last_checked_ms').notNullable();
    table.bigInteger('resolved_ms').nullable();
    table
      .string('open_key', 330)
      .nullable()
      .comment('entity_ref|environment while open, else null');
    table.unique(['open_key'], { indexName: 'devops_deploy_drift_open_uq' });
    table.index(
      ['entity_ref', 'environment', 'detected_ms'],
      'devops_deploy_drift_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_deploy_drift');
  await knex.schema.dropTable('devops_deploy_environments');
};
