// Scenario read-write (load/scenarios/read-write.json): The lab's mix: POST /orders, highest spenders and
// best sellers 1:1:1 over the seeded users 1-3 and products 1-4; 30 % of orders carry 1-2 extra lines.
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-read-write-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/read-write.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=read-write.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/read-write.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
