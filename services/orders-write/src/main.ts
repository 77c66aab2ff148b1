import { runService } from '@store/service-kit';
import { start } from './app';
import { readConfig } from './config';

runService('orders-write', (logger) => start(readConfig(), { logger }));
