// Scenario read-write (load/scenarios/read-write.json): The lab's mix: POST /orders, highest spenders and
// best sellers 1:1:1 over the seeded users 1-3 and products 1-4; 30 % of orders carry 1-2 extra lines.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/read-write.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   compose: K6_SCRIPT=read-write.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/read-write.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
