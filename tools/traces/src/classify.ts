import type { Span } from './span';

/*
 * Which stage of the pipeline a span's time belongs to: the one place that knows span names and attributes.
 *
 *   gateway              nginx access log: duration_s − upstream_s, joined by trace_id (not a span)
 *   HTTP handler         the service's SERVER span, less what its descendants below account for
 *   validation           spans named "validate …"
 *   batch queue wait     group commit's "order queue wait" span (the order waiting for its replica's writer)
 *   SQL <kind>           db.system(.name) = mysql|mariadb: first word of db.statement / db.query.text (select,
 *                        insert, update, delete…); "start transaction" counts as begin; commit on its own;
 *                        group commit's two multi-statements are "batch read + locks" (START TRANSACTION and
 *                        the SELECTs, stock rows FOR UPDATE) and "batch write + commit" (the writes and COMMIT)
 *   outbox wait          the relay's "outbox wait" span (row committed → claimed by a relay)
 *   publish and confirm  the relay's "outbox publish" span and the PRODUCER span of rabbitmq inside it
 *   queue wait           CONSUMER start − end of the PRODUCER span it continues (a gap, not a span)
 *   projector apply      the CONSUMER span of rabbitmq, less its Redis descendants
 *   Redis                db.system(.name) = redis (report cache GET/SET, the projector's EVAL/EVALSHA)
 *   report compute       the span "compute report" (reports-read), less its Redis and SQL children
 *   untraced             time inside "order → report" that no span covers
 *
 * A span of none of these (express's route span, the relay batch…) passes its own time to the stage of its
 * nearest classified ancestor.
 */

export const STAGES = {
  gateway: 'gateway',
  handler: 'HTTP handler',
  validation: 'validation',
  queueForBatch: 'batch queue wait',
  compute: 'report compute',
  redis: 'Redis',
  outboxWait: 'outbox wait',
  publish: 'publish and confirm',
  queueWait: 'queue wait',
  apply: 'projector apply',
  untraced: 'untraced',
} as const;

const SQL_PREFIX = 'SQL ';
const sqlStage = (kind: string): string => `${SQL_PREFIX}${kind}`;

/** The order stages are shown in: the way a request flows. SQL kinds not listed go after the listed ones. */
const STAGE_ORDER = [
  STAGES.gateway,
  STAGES.handler,
  STAGES.validation,
  STAGES.queueForBatch,
  sqlStage('begin'),
  sqlStage('batch read + locks'),
  sqlStage('select'),
  sqlStage('insert'),
  sqlStage('update'),
  sqlStage('delete'),
  sqlStage('commit'),
  sqlStage('batch write + commit'),
  STAGES.compute,
  STAGES.redis,
  STAGES.outboxWait,
  STAGES.publish,
  STAGES.queueWait,
  STAGES.apply,
  STAGES.untraced,
];

export function compareStages(a: string, b: string): number {
  const rank = (stage: string) => {
    const index = STAGE_ORDER.indexOf(stage);
    if (index >= 0) return index;
    return stage.startsWith(SQL_PREFIX) ? STAGE_ORDER.indexOf(sqlStage('commit')) - 0.5 : STAGE_ORDER.length;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** The stages of the asynchronous pipeline: not part of the HTTP request that started it. */
export const PIPELINE_STAGES: ReadonlySet<string> = new Set([
  STAGES.outboxWait,
  STAGES.publish,
  STAGES.apply,
]);

const text = (span: Span, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = span.attributes[key];
    if (value !== undefined && value !== '') return String(value);
  }
  return undefined;
};

const dbSystem = (span: Span) => text(span, 'db.system', 'db.system.name')?.toLowerCase();
const messagingSystem = (span: Span) => text(span, 'messaging.system')?.toLowerCase();

/** select / insert / … / begin / commit, from the statement (or the span name when the statement is masked). */
export function sqlKind(span: Span): string {
  const statement = (text(span, 'db.statement', 'db.query.text') ?? span.name).trim().toLowerCase();
  const statements = statement.split(';').filter((part) => part.trim() !== '');
  if (statements.length > 1) {
    if (statements.some((part) => /^\s*commit\b/.test(part))) return 'batch write + commit';
    if (/^start\s+transaction\b/.test(statement)) return 'batch read + locks';
  }
  if (/^start\s+transaction\b/.test(statement)) return 'begin';
  return /^[a-z]+/.exec(statement)?.[0] ?? 'other';
}

/** The stage of a span, or undefined when its time belongs to the stage of its nearest classified ancestor. */
export function classify(span: Span): string | undefined {
  const db = dbSystem(span);
  if (db === 'mysql' || db === 'mariadb') return sqlStage(sqlKind(span));
  if (db === 'redis') return STAGES.redis;
  if (span.name.startsWith('validate ')) return STAGES.validation;
  if (span.name === 'order queue wait') return STAGES.queueForBatch;
  if (span.name === 'compute report') return STAGES.compute;
  if (span.name === 'outbox wait') return STAGES.outboxWait;
  if (span.name === 'outbox publish') return STAGES.publish;
  if (messagingSystem(span) === 'rabbitmq' && span.kind === 'producer') return STAGES.publish;
  if (messagingSystem(span) === 'rabbitmq' && span.kind === 'consumer') return STAGES.apply;
  if (span.kind === 'server') return STAGES.handler;
  return undefined;
}

/** "POST /orders" for a SERVER span: method and route (the path without its query when no route is recorded). */
export function operationOf(span: Span): string | undefined {
  if (span.kind !== 'server') return undefined;
  const method = text(span, 'http.request.method', 'http.method');
  const route = text(span, 'http.route') ?? text(span, 'url.path', 'http.target')?.split('?')[0];
  if (method && route) return `${method.toUpperCase()} ${route}`;
  return /^[A-Z]+ \//.test(span.name) ? span.name : undefined;
}
