import { runService } from '@store/service-kit';
import { start } from './app';
import { readConfig } from './config';

runService('projector', (logger) => start(readConfig(), { logger }));
