/**
 * Process entry of the local OTLP/HTTP trace sink (`node tools/traces/dist/src/sink.js`), started by
 * infra/local/start.sh before the services. Settings: TRACE_SINK_PORT, TRACE_SINK_DIR, TRACE_SINK_MAX_FILE_MB,
 * TRACE_SINK_MAX_FILES, TRACE_SINK_MAX_BODY_MB (src/sink/config.ts).
 */
import { runService } from '@store/service-kit';
import { readSinkConfig } from './sink/config';
import { start } from './sink/server';

runService('trace-sink', (logger) => start(readSinkConfig(), { logger }));
