/*
 * Security area, scanner findings: one row per scan stream (entity, branch, tool, category) with
 * its latest scan and the SLA in force, one row per finding identity (stream + fingerprint, never
 * a second row for the same identity), the history of each finding's status, and one row per
 * scan of a stream with the open counts after it (the trend). Times are epoch milliseconds.
 */

/** The stream a row belongs to, and its entity and branch (kept on the row for filters). */
function streamColumns(table) {
  table
    .string('stream_id', 36)
    .notNullable()
    .references('id')
    .inTable('devops_security_streams')
    .onDelete('CASCADE');
  table.string('entity_ref', 255).notNullable();
  table.string('branch', 255).notNullable();
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('devops_security_streams', table => {
    table.comment(
      'A scan stream: the scans of one tool and category for one entity and branch',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('branch', 255).notNullable();
    table.string('tool', 255).notNullable();
    table
      .string('scan_category', 255)
      .notNullable()
      .comment(
        'SARIF automationDetails category, empty when the run names none',
      );
    table.string('last_scan_id', 36).notNullable();
    table.bigInteger('last_scan_ms').notNullable();
    table.string('last_format', 32).notNullable();
    table.string('last_commit_sha', 64).notNullable();
    table.string('last_tool_version', 255).nullable();
    table.integer('last_finding_count').notNullable();
    for (const severity of ['critical', 'high', 'medium', 'low']) {
      table
        .integer(`sla_${severity}_days`)
        .notNullable()
        .comment(`days to fix a ${severity} finding, the entity's SLA`);
    }
    table.unique(['entity_ref', 'branch', 'tool', 'scan_category'], {
      indexName: 'devops_security_streams_key_idx',
    });
  });

  await knex.schema.createTable('devops_security_findings', table => {
    table.comment(
      'One finding identity (stream + fingerprint) with its lifecycle',
    );
    table.string('id', 36).primary().notNullable();
    streamColumns(table);
    table.string('fingerprint', 64).notNullable().comment('sha256, hex');
    table.text('rule_id').notNullable();
    table.text('title').notNullable();
    table.text('message').notNullable();
    table.string('category', 16).notNullable();
    table.string('severity', 16).notNullable();
    table.text('tool_severity').notNullable();
    table.text('location_path').nullable();
    table.integer('location_line').nullable();
    table.text('package_name').nullable();
    table.text('package_version').nullable();
    table.text('package_fixed_version').nullable();
    table.text('advisory_id').nullable();
    table.text('advisory_url').nullable();
    table.double('advisory_cvss').nullable();
    table.text('help_uri').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('open | fixed | accepted | false-positive');
    table.boolean('regression').notNullable().defaultTo(false);
    table.integer('reopen_count').notNullable().defaultTo(0);
    table.bigInteger('first_seen_ms').notNullable();
    table.bigInteger('last_seen_ms').notNullable();
    table.bigInteger('fixed_at_ms').nullable();
    table.bigInteger('reopened_at_ms').nullable();
    table
      .bigInteger('sla_base_ms')
      .notNullable()
      .comment('first seen, or reopened as a regression: the SLA runs from it');
    table.string('first_scan_id', 36).notNullable();
    table.string('last_scan_id', 36).notNullable();
    table.text('status_reason').nullable();
    table.text('status_changed_by').nullable();
    table.bigInteger('status_changed_ms').nullable();
    table.bigInteger('accepted_until_ms').nullable();
    table.unique(['stream_id', 'fingerprint'], {
      indexName: 'devops_security_findings_identity_idx',
    });
    table.index(
      ['entity_ref', 'branch', 'status'],
      'devops_security_findings_entity_idx',
    );
    table.index(
      ['status', 'accepted_until_ms'],
      'devops_security_findings_status_idx',
    );
  });

  await knex.schema.createTable('devops_security_finding_events', table => {
    table.comment(
      'Status history of a finding: opened, fixed, reopened, accepted, false-positive, expired',
    );
    table.bigIncrements('id').primary();
    table
      .string('finding_id', 36)
      .notNullable()
      .references('id')
      .inTable('devops_security_findings')
      .onDelete('CASCADE');
    table.string('kind', 16).notNullable();
    table.bigInteger('at_ms').notNullable();
    table.text('actor').nullable().comment('null for changes made by scans');
    table.text('reason').nullable();
    table.string('scan_id', 36).nullable();
    table.bigInteger('accepted_until_ms').nullable();
    table.index(['finding_id', 'at_ms'], 'devops_security_events_finding_idx');
  });

  await knex.schema.createTable('devops_security_scans', table => {
    table.comment(
      'One scan of a stream (one run of an uploaded report) and the open findings after it',
    );
    table.string('id', 36).primary().notNullable();
    table
      .string('upload_id', 36)
      .notNullable()
      .comment(
        'the upload (receipt id); a report with several runs has several scans',
      );
    streamColumns(table);
    table.string('commit_sha', 64).notNullable();
    table.string('format', 32).notNullable();
    table.string('tool', 255).notNullable();
    table.string('tool_version', 255).nullable();
    table.string('scan_category', 255).notNullable();
    table.bigInteger('scanned_ms').notNullable();
    table.integer('finding_count').notNullable();
    table.bigInteger('size_bytes').notNullable();
    table.integer('tool_error_count').notNullable().defaultTo(0);
    table
      .boolean('stale')
      .notNullable()
      .defaultTo(false)
      .comment('older than the latest scan of the stream: changed no finding');
    table.integer('new_count').notNullable();
    table.integer('reopened_count').notNullable();
    table.integer('fixed_count').notNullable();
    for (const severity of ['critical', 'high', 'medium', 'low']) {
      table
        .integer(`open_${severity}`)
        .notNullable()
        .comment(`open ${severity} findings of the stream after the scan`);
    }
    table.index(
      ['entity_ref', 'branch', 'scanned_ms'],
      'devops_security_scans_entity_idx',
    );
    table.index(['scanned_ms'], 'devops_security_scans_time_idx');
    table.index(
      ['stream_id', 'scanned_ms'],
      'devops_security_scans_stream_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('devops_security_scans');
  await knex.schema.dropTable('devops_security_finding_events');
  await knex.schema.dropTable('devops_security_findings');
  await knex.schema.dropTable('devops_security_streams');
};
