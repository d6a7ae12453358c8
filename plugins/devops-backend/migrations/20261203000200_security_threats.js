/*
 * Security area, runtime threats: one row per threat (a detector's condition on an entity and
 * environment, with its evidence and lifecycle), the history of each threat's status, the keys
 * of the WAF/IDS events already recorded (so that a re-uploaded log is not counted twice; kept
 * for a bounded time), the uploads of event reports, and the last evaluation of each detector per entity and environment (what
 * the card shows as monitored or not monitored). Times are epoch milliseconds.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_security_threats', table => {
    table.comment(
      'A runtime threat: a detector condition on an entity and environment, with its evidence and lifecycle',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table
      .string('type', 32)
      .notNullable()
      .comment('traffic-flood | brute-force | injection | attack');
    table
      .string('detector', 32)
      .notNullable()
      .comment('traffic-flood | brute-force | waf-events');
    table.string('severity', 16).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('open | acknowledged | mitigated | false-positive');
    table.bigInteger('started_ms').notNullable();
    table.bigInteger('last_seen_ms').notNullable();
    table
      .bigInteger('ended_ms')
      .nullable()
      .comment('null while the condition lasts');
    table
      .bigInteger('created_ms')
      .notNullable()
      .comment('when the threat was raised here (events may be older)');
    table.text('evidence').notNullable().comment('ThreatEvidence, JSON');
    table.text('status_reason').nullable();
    table.string('status_changed_by', 255).nullable();
    table.bigInteger('status_changed_ms').nullable();
    table.index(
      ['entity_ref', 'detector', 'ended_ms'],
      'devops_security_threats_lasting_idx',
    );
    table.index(['entity_ref', 'status'], 'devops_security_threats_status_idx');
    table.index(
      ['detector', 'ended_ms', 'last_seen_ms'],
      'devops_security_threats_quiet_idx',
    );
  });

  await knex.schema.createTable('devops_security_threat_changes', table => {
    table.comment(
      'The status history of a threat: who changed it, when, and why',
    );
    table.increments('id');
    table
      .string('threat_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_security_threats')
      .onDelete('CASCADE');
    table.bigInteger('at_ms').notNullable();
    table.string('actor', 255).notNullable();
    table.string('from_status', 16).notNullable();
    table.string('to_status', 16).notNullable();
    table.text('reason').nullable();
    table.index(['threat_id', 'at_ms'], 'devops_security_threat_changes_idx');
  });

  await knex.schema.createTable('devops_security_threat_events', table => {
    table.comment(
      'WAF/IDS events already recorded, by key, for de-duplication (bounded retention)',
    );
    table.string('entity_ref', 255).notNullable();
    table
      .string('event_key', 64)
      .notNullable()
      .comment('sha256 of the id the producer gave, or of the event content');
    table
      .string('threat_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_security_threats')
      .onDelete('CASCADE');
    table.bigInteger('at_ms').notNullable();
    table.string('client_ip', 64).nullable();
    table.boolean('blocked').notNullable();
    table.primary(
      ['entity_ref', 'event_key'],
      'devops_security_threat_events_pkey',
    );
    table.index(['at_ms'], 'devops_security_threat_events_at_idx');
    table.index(['threat_id'], 'devops_security_threat_events_threat_idx');
  });

  await knex.schema.createTable('devops_security_event_uploads', table => {
    table.comment(
      'Uploads of WAF/IDS event reports: what each held and what it changed',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('format', 32).notNullable();
    table.string('commit_sha', 64).notNullable();
    table.string('branch', 255).notNullable();
    table.bigInteger('received_ms').notNullable();
    table.bigInteger('size_bytes').notNullable();
    table.integer('event_count').notNullable();
    table.integer('new_events').notNullable();
    table
      .integer('duplicates')
      .notNullable()
      .comment('events recorded by an earlier upload, or repeated');
    table
      .integer('ignored')
      .notNullable()
      .comment('events older than the retention of event keys');
    table.integer('threats_opened').notNullable();
    table.integer('threats_updated').notNullable();
    table.index(
      ['entity_ref', 'received_ms'],
      'devops_security_event_uploads_entity_idx',
    );
  });

  await knex.schema.createTable('devops_security_threat_monitoring', table => {
    table.comment(
      'The last evaluation of each detector per entity and environment: monitored or why not',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('detector', 32).notNullable();
    table
      .string('environment', 100)
      .notNullable()
      .comment('empty when the evaluation is not of one environment');
    table
      .string('state', 16)
      .notNullable()
      .comment('monitored | not-monitored');
    table.text('detail').notNullable();
    table.bigInteger('evaluated_ms').notNullable();
    table.primary(
      ['entity_ref', 'detector', 'environment'],
      'devops_security_threat_monitoring_pkey',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_security_threat_monitoring');
  await knex.schema.dropTable('devops_security_event_uploads');
  await knex.schema.dropTable('devops_security_threat_events');
  await knex.schema.dropTable('devops_security_threat_changes');
  await knex.schema.dropTable('devops_security_threats');
};
