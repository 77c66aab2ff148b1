import { resolve } from 'node:path';
import { env, loadConfig } from '@store/service-kit';
import { z } from 'zod';

const MIB = 1024 * 1024;

const schema = z.object({
  TRACE_SINK_HOST: env.string('127.0.0.1'),
  TRACE_SINK_PORT: env.port(4318),
  TRACE_SINK_DIR: env.string('.run/logs/traces'),
  TRACE_SINK_MAX_FILE_MB: z.coerce.number().positive().default(20),
  TRACE_SINK_MAX_FILES: env.int(5, 1),
  TRACE_SINK_MAX_BODY_MB: z.coerce.number().positive().default(16),
});

export interface SinkConfig {
  host: string;
  port: number;
  dir: string;
  /** a file is closed and the next begun before it would grow past this */
  maxFileBytes: number;
  /** files kept; the oldest is deleted when one more is begun. The sink never holds more than their total. */
  maxFiles: number;
  /** a larger request is refused (413) without being read whole */
  maxBodyBytes: number;
}

export function readSinkConfig(environment: NodeJS.ProcessEnv = process.env): SinkConfig {
  const config = loadConfig(schema, environment);
  return {
    host: config.TRACE_SINK_HOST,
    port: config.TRACE_SINK_PORT,
    dir: resolve(config.TRACE_SINK_DIR),
    maxFileBytes: Math.round(config.TRACE_SINK_MAX_FILE_MB * MIB),
    maxFiles: config.TRACE_SINK_MAX_FILES,
    maxBodyBytes: Math.round(config.TRACE_SINK_MAX_BODY_MB * MIB),
  };
}
