/*
 * Deploys area: one row per deploy (portal deploys, promotions and rollbacks run by the engine,
 * and deploys pushed from outside), the events of each deploy, and incidents pushed through the
 * API. The deploy row is the engine's persisted state machine: status and phase, the canary
 * step, the lease of the backend replica working on it, and the abort request. `active_key` is
 * `<entity_ref>|<environment>` while the deploy is active and null afterwards: its unique index
 * is what allows one active deploy per entity and environment, on SQLite and PostgreSQL alike.
 * Times are epoch milliseconds.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_deploys', table => {
    table.comment(
      'A deploy, promotion, rollback or pushed deploy of an entity to an environment, with its state machine',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table
      .string('kind', 16)
      .notNullable()
      .comment('deploy | promote | rollback | pushed');
    table.string('version', 128).notNullable();
    table.string('previous_version', 128).nullable();
    table.string('commit_sha', 64).nullable();
    table.bigInteger('commit_ms').nullable();
    table
      .string('strategy', 16)
      .notNullable()
      .comment('rolling | blue-green | canary');
    table.text('steps').notNullable().comment('canary weights, JSON array');
    table.string('provider', 100).notNullable();
    table
      .string('target', 255)
      .notNullable()
      .comment('the target name from the catalog or the entity name');
    table
      .string('status', 16)
      .notNullable()
      .comment(
        'queued | running | paused | rolling-back | succeeded | failed | aborted | rolled-back',
      );
    table.string('phase', 16).notNullable();
    table.integer('step_index').nullable();
    table.integer('weight').nullable();
    table.string('colour', 8).nullable();
    table
      .integer('analysis_interval')
      .notNullable()
      .defaultTo(0)
      .comment('analysis intervals run in the current step');
    table.string('created_by', 255).notNullable();
    table.text('reason').nullable();
    table.string('rollback_of', 36).nullable();
    table.text('gates').notNullable().comment('DeployGateResult[], JSON');
    table
      .text('last_verdict')
      .nullable()
      .comment('CanaryAnalysisVerdict, JSON');
    table.text('outcome').nullable();
    table.text('impact').nullable().comment('DeployPerformanceImpact, JSON');
    table.string('idempotency_key', 200).nullable();
    table
      .string('active_key', 330)
      .nullable()
      .comment('entity_ref|environment while active, else null');
    table.bigInteger('created_ms').notNullable();
    table.bigInteger('started_ms').nullable();
    table.bigInteger('finished_ms').nullable();
    table.bigInteger('updated_ms').notNullable();
    table.bigInteger('phase_started_ms').nullable();
    table
      .bigInteger('phase_deadline_ms')
      .nullable()
      .comment('the current phase fails after this time');
    table
      .bigInteger('next_run_ms')
      .nullable()
      .comment('when the engine looks at the deploy next; null when final');
    table
      .string('lease_owner', 100)
      .nullable()
      .comment('the backend replica working on the deploy');
    table.bigInteger('lease_expires_ms').nullable();
    table
      .integer('attempt')
      .notNullable()
      .defaultTo(0)
      .comment('how many times a replica took the deploy up');
    table.bigInteger('abort_requested_ms').nullable();
    table.string('abort_requested_by', 255).nullable();
    table.text('abort_reason').nullable();
    table.unique(['active_key'], {
      indexName: 'devops_deploys_one_active_uq',
    });
    table.unique(['entity_ref', 'idempotency_key'], {
      indexName: 'devops_deploys_idempotency_uq',
    });
    table.index(
      ['entity_ref', 'environment', 'created_ms'],
      'devops_deploys_history_idx',
    );
    table.index(['next_run_ms'], 'devops_deploys_due_idx');
  });

  await knex.schema.createTable('devops_deploy_events', table => {
    table.comment(
      'What happened in a deploy: phases, steps, verdicts, gates, provider output, resumes',
    );
    table.increments('id');
    table
      .string('deploy_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_deploys')
      .onDelete('CASCADE');
    table.bigInteger('at_ms').notNullable();
    table
      .string('type', 16)
      .notNullable()
      .comment(
        'status | phase | step | analysis | gate | log | resume | abort | error',
      );
    table.text('message').notNullable();
    table.text('data').nullable().comment('JSON');
    table.index(['deploy_id', 'id'], 'devops_deploy_events_deploy_idx');
  });

  await knex.schema.createTable('devops_deploy_incidents', table => {
    table.comment(
      'Incidents pushed through the API: change failure rate and time to restore',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.text('title').notNullable();
    table.string('deploy_id', 36).nullable();
    table.bigInteger('started_ms').notNullable();
    table.bigInteger('resolved_ms').nullable();
    table.string('reported_by', 255).notNullable();
    table.string('idempotency_key', 200).nullable();
    table.bigInteger('created_ms').notNullable();
    table.unique(['entity_ref', 'idempotency_key'], {
      indexName: 'devops_deploy_incidents_idempotency_uq',
    });
    table.index(
      ['entity_ref', 'environment', 'started_ms'],
      'devops_deploy_incidents_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_deploy_incidents');
  await knex.schema.dropTable('devops_deploy_events');
  await knex.schema.dropTable('devops_deploys');
};
