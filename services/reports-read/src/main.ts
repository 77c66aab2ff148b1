import { runService } from '@store/service-kit';
import { start } from './app';
import { readConfig } from './config';

runService('reports-read', (logger) => start(readConfig(), { logger }));
