// Seeds the card-API benchmark's data into the real tables (created by the DevOps backend's
// migrations) of the bench database, server-side with INSERT ... SELECT ... generate_series:
//
// - ENTITIES entities `component:default/svc-0001` .. `svc-5000`, environment `production`;
// - hourly roll-ups for the last ROLLUP_DAYS days (5,000 x 2,160 rows): what the 7 d and 30 d
//   windows read;
// - raw 1-minute samples for the last RAW_HOURS hours (5,000 x 1,560 rows): what the 1 h and
//   24 h windows and the regression check (window against the preceding window) read;
// - a collection status row per entity (2 % stale), API target overrides (with their change
//   history) for every 10th entity, a latency step in the last 30 minutes for every 13th entity
//   (so that some summaries carry regressions and breaches).
//
// Idempotent: a `bench_seed` row records the parameters and up to when data was written. A
// later run with the same parameters only tops the data up to the current time (and deletes
// what fell out of the windows); `--reseed` empties the tables and seeds again.

export const ENTITIES = 5000;
export const ROLLUP_DAYS = 90;
export const RAW_HOURS = 26;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Entities per INSERT statement, for progress output. */
const CHUNK = 500;

export const entityName = i => `svc-${String(i).padStart(4, '0')}`;
export const entityRef = i => `component:default/${entityName(i)}`;

const REF_SQL = `'component:default/svc-' || lpad(e::text, 4, '0')`;

/**
 * The synthetic values of entity `e` at epoch-ms `t` (SQL expressions): per-entity base figures,
 * a daily cycle, ±10 % noise, and for every 13th entity latency up 60 % in the last 30 minutes
 * before `:now`.
 */
const VALUES_SQL = `
  base.p50 * cyc.f AS p50_ms,
  base.p50 * 2.6 * cyc.f AS p95_ms,
  base.p50 * 4.2 * cyc.f AS p99_ms,
  base.rps * (1 + 0.3 * sin(t / ${HOUR_MS}.0 * pi() / 12)) * (0.9 + 0.2 * random()) AS throughput,
  base.err * (0.5 + random()) AS error_rate,
  base.cpu * (0.9 + 0.2 * random()) AS cpu_cores,
  base.mem * (0.95 + 0.1 * random()) AS memory_bytes`;

const BASE_SQL = `
  CROSS JOIN LATERAL (SELECT
    (15 + (e * 37) % 250)::double precision AS p50,
    (2 + (e * 11) % 60)::double precision AS rps,
    (0.001 + (e % 9) * 0.002)::double precision AS err,
    (0.05 + (e % 17) * 0.04)::double precision AS cpu,
    ((80 + (e * 13) % 400) * 1048576)::double precision AS mem) base
  CROSS JOIN LATERAL (SELECT
    (1 + 0.15 * sin(t / ${HOUR_MS}.0 * pi() / 12)) * (0.9 + 0.2 * random())
      * CASE WHEN e % 13 = 0 AND t >= :now::bigint - ${
        30 * MINUTE_MS
      } THEN 1.6 ELSE 1 END AS f) cyc`;

const METRICS =
  'p50_ms, p95_ms, p99_ms, throughput, error_rate, cpu_cores, memory_bytes';

async function insertRaw(knex, e0, e1, fromMs, toMs, now) {
  if (toMs < fromMs) return;
  await knex.raw(
    `INSERT INTO devops_perf_samples (entity_ref, environment, at_ms, ${METRICS})
     SELECT ${REF_SQL}, 'production', t, ${VALUES_SQL}
       FROM generate_series(:e0::int, :e1::int) e
      CROSS JOIN generate_series(:from::bigint, :to::bigint, ${MINUTE_MS}::bigint) t
      ${BASE_SQL}
     ON CONFLICT DO NOTHING`,
    { e0, e1, from: fromMs, to: toMs, now },
  );
}

async function insertHourly(knex, e0, e1, fromMs, toMs, now) {
  if (toMs < fromMs) return;
  await knex.raw(
    `INSERT INTO devops_perf_hourly (entity_ref, environment, hour_ms, sample_count, ${METRICS}, max_p95_ms, max_p99_ms)
     SELECT ${REF_SQL}, 'production', t, 60, ${VALUES_SQL},
            base.p50 * 2.6 * cyc.f * 1.3, base.p50 * 4.2 * cyc.f * 1.4
       FROM generate_series(:e0::int, :e1::int) e
      CROSS JOIN generate_series(:from::bigint, :to::bigint, ${HOUR_MS}::bigint) t
      ${BASE_SQL}
     ON CONFLICT DO NOTHING`,
    { e0, e1, from: fromMs, to: toMs, now },
  );
}

/** The big tables' indexes, as the migration creates them. */
const INDEXES = [
  {
    drop: 'ALTER TABLE devops_perf_samples DROP CONSTRAINT IF EXISTS devops_perf_samples_pkey',
    create:
      'ALTER TABLE devops_perf_samples ADD CONSTRAINT devops_perf_samples_pkey PRIMARY KEY (entity_ref, environment, at_ms)',
  },
  {
    drop: 'DROP INDEX IF EXISTS devops_perf_samples_at_idx',
    create:
      'CREATE INDEX devops_perf_samples_at_idx ON devops_perf_samples (at_ms)',
  },
  {
    drop: 'ALTER TABLE devops_perf_hourly DROP CONSTRAINT IF EXISTS devops_perf_hourly_pkey',
    create:
      'ALTER TABLE devops_perf_hourly ADD CONSTRAINT devops_perf_hourly_pkey PRIMARY KEY (entity_ref, environment, hour_ms)',
  },
  {
    drop: 'DROP INDEX IF EXISTS devops_perf_hourly_hour_idx',
    create:
      'CREATE INDEX devops_perf_hourly_hour_idx ON devops_perf_hourly (hour_ms)',
  },
];

const TABLES = [
  'devops_perf_samples',
  'devops_perf_hourly',
  'devops_perf_ten_minutes',
  'devops_perf_six_hours',
  'devops_perf_environments',
  'devops_perf_status',
  'devops_perf_watermarks',
  'devops_perf_target_overrides',
  'devops_perf_target_changes',
];

/**
 * Seeds (or tops up) the data; returns what it did. `log` receives progress lines.
 */
export async function seed(knex, { reseed = false, log = () => {} } = {}) {
  await knex.raw(`CREATE TABLE IF NOT EXISTS bench_seed (
    name text PRIMARY KEY, entities int NOT NULL, rollup_days int NOT NULL,
    raw_hours int NOT NULL, until_ms bigint NOT NULL, seeded_at timestamptz NOT NULL)`);
  await knex.raw('SET synchronous_commit = off');
  const nowMs = Date.now();
  const rawTo = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  // Complete hours only: the hour in progress is not rolled up yet.
  const hourlyTo = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const rawFrom = rawTo - RAW_HOURS * HOUR_MS + MINUTE_MS;
  const hourlyFrom = hourlyTo - (ROLLUP_DAYS * 24 - 1) * HOUR_MS;

  const marker = (await knex('bench_seed').where({ name: 'card-api' }))[0];
  const same =
    marker &&
    marker.entities === ENTITIES &&
    marker.rollup_days === ROLLUP_DAYS &&
    marker.raw_hours === RAW_HOURS;
  let mode;
  let rawStart = rawFrom;
  let hourlyStart = hourlyFrom;
  const started = Date.now();
  if (reseed || !same) {
    mode = 'full seed';
    log(`seeding ${ENTITIES} entities (truncating the performance tables)`);
    await knex.raw(`TRUNCATE ${TABLES.join(', ')}`);
    await knex('bench_seed').where({ name: 'card-api' }).delete();
  } else {
    const until = Number(marker.until_ms);
    mode = `top-up since ${new Date(until).toISOString()}`;
    rawStart = Math.max(rawFrom, until + MINUTE_MS);
    hourlyStart = Math.max(
      hourlyFrom,
      Math.floor(until / HOUR_MS) * HOUR_MS - HOUR_MS,
    );
    await knex('devops_perf_samples').where('at_ms', '<', rawFrom).delete();
    await knex('devops_perf_hourly').where('hour_ms', '<', hourlyFrom).delete();
    await knex('devops_perf_ten_minutes')
      .where('bucket_ms', '<', rawFrom)
      .delete();
  }

  // A full seed loads the two big tables without their indexes and builds them afterwards (as
  // the migration declares them): much faster than maintaining the B-trees row by row.
  const full = mode === 'full seed';
  if (full) {
    await knex.raw("SET maintenance_work_mem = '512MB'");
    for (const index of INDEXES) {
      await knex.raw(index.drop);
    }
  }
  for (let e0 = 1; e0 <= ENTITIES; e0 += CHUNK) {
    const e1 = Math.min(ENTITIES, e0 + CHUNK - 1);
    await insertHourly(knex, e0, e1, hourlyStart, hourlyTo, nowMs);
    await insertRaw(knex, e0, e1, rawStart, rawTo, nowMs);
    if (full) {
      log(
        `  entities ${e0}-${e1} (${Math.round(
          (Date.now() - started) / 1000,
        )} s)`,
      );
    }
  }

  if (full) {
    for (const index of INDEXES) {
      log(`  ${index.create}`);
      await knex.raw(index.create);
    }
  }

  // What the backend keeps next to the raw samples at every insert: their 10-minute roll-ups
  // (what the 24 h window reads) and each entity's environments.
  const TEN_MINUTES_MS = 600000;
  const tenFrom = rawStart - (rawStart % TEN_MINUTES_MS);
  await knex.raw(
    `INSERT INTO devops_perf_ten_minutes (entity_ref, environment, bucket_ms, sample_count, ${METRICS}, max_p95_ms, max_p99_ms)
     SELECT entity_ref, environment, at_ms - (at_ms % ${TEN_MINUTES_MS}), count(*),
            avg(p50_ms), avg(p95_ms), avg(p99_ms), avg(throughput), avg(error_rate), avg(cpu_cores), avg(memory_bytes),
            max(p95_ms), max(p99_ms)
       FROM devops_perf_samples
      WHERE at_ms >= :from
      GROUP BY entity_ref, environment, at_ms - (at_ms % ${TEN_MINUTES_MS})
     ON CONFLICT (entity_ref, environment, bucket_ms) DO UPDATE SET
       sample_count = excluded.sample_count, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
       p99_ms = excluded.p99_ms, throughput = excluded.throughput, error_rate = excluded.error_rate,
       cpu_cores = excluded.cpu_cores, memory_bytes = excluded.memory_bytes,
       max_p95_ms = excluded.max_p95_ms, max_p99_ms = excluded.max_p99_ms`,
    { from: tenFrom },
  );
  // And the 6-hour roll-ups the maintenance task derives from the hourly ones.
  const SIX_HOURS_MS = 21600000;
  const sixFrom = hourlyStart - (hourlyStart % SIX_HOURS_MS);
  const weighted = METRICS.split(', ')
    .map(
      c =>
        `sum(${c} * sample_count) / nullif(sum(case when ${c} is null then 0 else sample_count end), 0)`,
    )
    .join(', ');
  await knex.raw(
    `INSERT INTO devops_perf_six_hours (entity_ref, environment, bucket_ms, sample_count, ${METRICS}, max_p95_ms, max_p99_ms)
     SELECT entity_ref, environment, hour_ms - (hour_ms % ${SIX_HOURS_MS}), sum(sample_count), ${weighted},
            max(max_p95_ms), max(max_p99_ms)
       FROM devops_perf_hourly
      WHERE hour_ms >= :from
      GROUP BY entity_ref, environment, hour_ms - (hour_ms % ${SIX_HOURS_MS})
     ON CONFLICT (entity_ref, environment, bucket_ms) DO UPDATE SET
       sample_count = excluded.sample_count, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
       p99_ms = excluded.p99_ms, throughput = excluded.throughput, error_rate = excluded.error_rate,
       cpu_cores = excluded.cpu_cores, memory_bytes = excluded.memory_bytes,
       max_p95_ms = excluded.max_p95_ms, max_p99_ms = excluded.max_p99_ms`,
    { from: sixFrom },
  );
  await knex.raw(
    `INSERT INTO devops_perf_environments (entity_ref, environment, last_at_ms)
     SELECT ${REF_SQL}, 'production', :to::bigint FROM generate_series(1, :n::int) e
     ON CONFLICT (entity_ref, environment) DO UPDATE SET last_at_ms = excluded.last_at_ms`,
    { to: rawTo, n: ENTITIES },
  );

  // Collection status: every entity collected a minute ago; 2 % stale for the last 20 minutes.
  await knex.raw(
    `INSERT INTO devops_perf_status (entity_ref, provider, stale_since_ms, last_error, last_success_ms, last_attempt_ms)
     SELECT ${REF_SQL},
            CASE WHEN e % 50 = 0 THEN 'prometheus' END,
            CASE WHEN e % 50 = 0 THEN :now::bigint - 1200000 END,
            CASE WHEN e % 50 = 0 THEN 'Prometheus instance ''bench'' (p50Ms query): POST http://prometheus:9090/api/v1/query timed out after 10s' END,
            CASE WHEN e % 50 = 0 THEN :now::bigint - 1260000 ELSE :now::bigint - 60000 END,
            :now::bigint - 60000
       FROM generate_series(1, :n::int) e
     ON CONFLICT (entity_ref) DO UPDATE SET
       stale_since_ms = excluded.stale_since_ms, last_success_ms = excluded.last_success_ms,
       last_attempt_ms = excluded.last_attempt_ms`,
    { now: nowMs, n: ENTITIES },
  );
  // The roll-up watermark: every complete hour is rolled up.
  await knex('devops_perf_watermarks')
    .insert({ name: 'rollup', at_ms: hourlyTo + HOUR_MS })
    .onConflict('name')
    .merge(['at_ms']);
  // Target overrides set through the API for every 10th entity, with their change history.
  await knex.raw(
    `INSERT INTO devops_perf_target_changes (id, entity_ref, changes, actor, comment, at_ms)
     SELECT 'bench-' || lpad(e::text, 4, '0'), ${REF_SQL},
            '{"p95Ms":' || (200 + e % 300) || ',"errorRate":0.02}', 'user:default/bench',
            'seeded by the bench', :now::bigint - 86400000
       FROM generate_series(10, :n::int, 10) e
     ON CONFLICT DO NOTHING`,
    { now: nowMs, n: ENTITIES },
  );
  await knex.raw(
    `INSERT INTO devops_perf_target_overrides (entity_ref, target, value, change_id)
     SELECT ${REF_SQL}, target.name,
            CASE target.name WHEN 'p95Ms' THEN 200 + e % 300 ELSE 0.02 END,
            'bench-' || lpad(e::text, 4, '0')
       FROM generate_series(10, :n::int, 10) e
      CROSS JOIN (VALUES ('p95Ms'), ('errorRate')) target(name)
     ON CONFLICT DO NOTHING`,
    { n: ENTITIES },
  );
  await knex('bench_seed')
    .insert({
      name: 'card-api',
      entities: ENTITIES,
      rollup_days: ROLLUP_DAYS,
      raw_hours: RAW_HOURS,
      until_ms: rawTo,
      seeded_at: new Date(),
    })
    .onConflict('name')
    .merge();
  // VACUUM as autovacuum would on a live table: sets the visibility map, so that the
  // index-only scans of the reads do not fetch every heap row of freshly loaded pages.
  if (full) {
    log('  VACUUM (ANALYZE)');
  }
  await knex.raw(
    'VACUUM (ANALYZE) devops_perf_samples, devops_perf_hourly, devops_perf_ten_minutes, devops_perf_six_hours',
  );
  const counts = {};
  for (const table of ['devops_perf_samples', 'devops_perf_hourly']) {
    const [{ n }] = await knex(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return { mode, seconds: (Date.now() - started) / 1000, counts };
}
